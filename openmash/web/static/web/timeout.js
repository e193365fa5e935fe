// The GOV.UK timeout warning (web/includes/timeout_warning.html): the session ends after a spell without activity
// (SESSION_COOKIE_AGE); a warning opens before that with "Stay signed in", which asks the server to keep the
// session; when the time runs out the contact being recorded is posted to be kept as a draft and the user is signed
// out, then sent to the sign-in page. Every request to the server (a page, an htmx swap) restarts the clock, and
// open tabs tell each other (BroadcastChannel: only a time, no data).
(function () {
  var dialog = document.getElementById('app-timeout');
  if (!dialog || typeof dialog.showModal !== 'function') return;
  var idle = Number(dialog.dataset.idleSeconds) * 1000;
  var warning = Number(dialog.dataset.warningSeconds) * 1000;
  var margin = Math.min(20000, idle / 10); // sign out a little before the server does, while the session still works
  var countdown = dialog.querySelector('[data-app-timeout-countdown]');
  var announce = dialog.querySelector('[data-app-timeout-announce]');
  var channel = 'BroadcastChannel' in window ? new BroadcastChannel('openmash-session') : null;
  var lastActivity = Date.now();
  var tick = null;
  var returnFocus = null;
  var lastAnnounced = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'] || '';
    } catch (e) {
      return '';
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': csrfToken() },
      body: body || new FormData(),
      redirect: 'manual',
    });
  }

  function words(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? ' minute' : ' minutes');
    }
    return seconds + (seconds === 1 ? ' second' : ' seconds');
  }

  function restart(at, tell) {
    lastActivity = at || Date.now();
    if (dialog.open) close();
    if (tell && channel) channel.postMessage({ activity: lastActivity });
  }

  function open() {
    returnFocus = document.activeElement;
    dialog.showModal();
    var stay = dialog.querySelector('[data-app-timeout-stay]');
    if (stay) stay.focus();
  }

  function close() {
    dialog.close();
    lastAnnounced = null;
    if (returnFocus && typeof returnFocus.focus === 'function') returnFocus.focus();
  }

  function signOut() {
    clearInterval(tick);
    var form = document.getElementById('contact-form');
    var body = form ? new FormData(form) : new FormData();
    var next = window.location.pathname;
    function leave() {
      window.location.assign(dialog.dataset.signInUrl + '?timeout=1&next=' + encodeURIComponent(next));
    }
    post(dialog.dataset.timeoutUrl, body).then(leave, leave);
  }

  function check() {
    var left = lastActivity + idle - margin - Date.now();
    if (left <= 0) {
      signOut();
      return;
    }
    if (left <= warning) {
      if (!dialog.open) open();
      var text = words(left);
      countdown.textContent = text;
      var spoken = left > 60000 ? text : (left > 20000 ? Math.ceil(left / 20000) : Math.ceil(left / 10000));
      if (spoken !== lastAnnounced) { // not every second: screen readers would talk over themselves
        lastAnnounced = spoken;
        announce.textContent = 'You will be signed out in ' + text + '.';
      }
    }
  }

  dialog.querySelector('[data-app-timeout-stay]').addEventListener('click', function () {
    post(dialog.dataset.keepAliveUrl).then(function (response) {
      if (response.status === 204) {
        restart(Date.now(), true);
      } else {
        signOut();
      }
    }, function () { /* offline: keep the warning open; the next tick tries again or signs out */ });
  });
  dialog.addEventListener('cancel', function (event) { // Esc: stay signed in
    event.preventDefault();
    dialog.querySelector('[data-app-timeout-stay]').click();
  });
  if (channel) {
    channel.onmessage = function (event) {
      if (event.data && event.data.activity) restart(event.data.activity, false);
    };
  }
  document.body.addEventListener('htmx:afterRequest', function () { restart(Date.now(), true); });
  restart(Date.now(), true);
  tick = setInterval(check, 1000);
  window.openmashTimeout = { check: check, setLastActivity: function (at) { lastActivity = at; } }; // for tests
})();
