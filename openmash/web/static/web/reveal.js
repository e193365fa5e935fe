// Conditional reveals for GOV.UK radios, without aria-expanded.
//
// GOV.UK Frontend's Radios module sets aria-expanded on the radio inputs, which is not an allowed attribute for
// role=radio (axe: aria-allowed-attr, critical; alphagov/govuk-frontend#979). Groups marked data-openmash-reveal
// are left out of that module and handled here: each input's aria-controls names the conditional block, which is
// hidden unless the input is checked. Without JavaScript every block stays visible, as in GOV.UK's own pattern.
(function () {
  function sync(group) {
    group.querySelectorAll('input[type="radio"][aria-controls]').forEach(function (input) {
      var target = document.getElementById(input.getAttribute('aria-controls'));
      if (target) {
        target.classList.toggle('govuk-radios__conditional--hidden', !input.checked);
      }
    });
  }

  function init() {
    document.querySelectorAll('[data-openmash-reveal]').forEach(function (group) {
      if (group.dataset.openmashRevealReady) return;
      group.dataset.openmashRevealReady = 'true';
      sync(group);
      group.addEventListener('change', function () { sync(group); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
  // Content swapped in by htmx (e.g. search results) may hold new groups.
  document.addEventListener('htmx:afterSettle', init);
})();
