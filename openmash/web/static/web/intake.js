// The intake page (web/contacts/new.html).
//
// 1. Enter in a search box searches. The search boxes belong to the contact form (so a search keeps everything
//    typed), where Enter would otherwise press the form's first button, "Continue".
// 2. After htmx adds or removes a child or household member, or picks a child from the search, focus goes to the
//    part that changed (the new person's first box, or the section's heading), so keyboard and screen reader users
//    are not left on a button that no longer exists. Not when the swap brought back errors: then the GOV.UK error
//    summary has taken focus (base.html starts GOV.UK Frontend on swapped content) and must keep it.
(function () {
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.defaultPrevented) return;
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.closest('[data-app-search]')) return;
    var button = box.closest('[data-app-search]').querySelector('button[value="search"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  var lastAction = null;
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button[name="action"]') : null;
    lastAction = button ? button.value : null;
  }, true);

  document.body && document.body.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.id || !lastAction) return;
    var section = document.getElementById(target.id);
    if (!section) return;
    if (section.querySelector('.govuk-error-summary')) {
      lastAction = null;
      return;
    }
    var focus = null;
    if (lastAction.indexOf('add_') === 0 || lastAction.indexOf('select:') === 0) {
      var people = section.querySelectorAll('[data-testid^="child-"], [data-testid^="member-"]');
      var last = people.length ? people[people.length - 1] : null;
      focus = last && last.querySelector('input:not([type="hidden"]), select, textarea');
    }
    if (!focus) {
      focus = section.querySelector('h2');
      if (focus) focus.setAttribute('tabindex', '-1');
    }
    if (focus) focus.focus();
    lastAction = null;
  });
})();
