// WebAuthn security keys (ADR 0011): the second factor's "Use security key" button and the account page's
// "Add a security key". The server makes the options and checks the answer; this only carries them between the
// page and the browser's navigator.credentials. No inline script (CSP); CSRF token from the page's form.
(function () {
  'use strict'

  function toBytes (text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/')
    while (b64.length % 4) { b64 += '=' }
    var raw = atob(b64)
    var out = new Uint8Array(raw.length)
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i) }
    return out.buffer
  }

  function toText (buffer) {
    var bytes = new Uint8Array(buffer)
    var raw = ''
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]) }
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  }

  function csrf () {
    var input = document.querySelector('input[name=csrfmiddlewaretoken]')
    return input ? input.value : ''
  }

  function post (url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf() },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data } }) })
  }

  function showError (text) {
    var box = document.getElementById('webauthn-error')
    if (box) { box.textContent = text; box.hidden = false }
  }

  function credentialJSON (cred) {
    var response = {}
    var r = cred.response
    response.clientDataJSON = toText(r.clientDataJSON)
    if (r.attestationObject) { response.attestationObject = toText(r.attestationObject) }
    if (r.authenticatorData) { response.authenticatorData = toText(r.authenticatorData) }
    if (r.signature) { response.signature = toText(r.signature) }
    if (r.userHandle) { response.userHandle = toText(r.userHandle) }
    if (r.getTransports) { response.transports = r.getTransports() }
    return { id: cred.id, rawId: toText(cred.rawId), type: cred.type, response: response, clientExtensionResults: {} }
  }

  function start (button) {
    var mode = button.getAttribute('data-webauthn')
    if (!window.PublicKeyCredential) { showError('This browser cannot use security keys. Enter a code instead.'); return }
    post(button.getAttribute('data-options-url')).then(function (res) {
      if (!res.ok) { throw new Error('options') }
      var o = res.data
      o.challenge = toBytes(o.challenge)
      if (mode === 'register') {
        o.user.id = toBytes(o.user.id)
        ;(o.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id) })
        return navigator.credentials.create({ publicKey: o })
      }
      ;(o.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id) })
      return navigator.credentials.get({ publicKey: o })
    }).then(function (cred) {
      var body = { credential: credentialJSON(cred) }
      var name = document.getElementById('key-name')
      if (name) { body.name = name.value }
      var next = button.getAttribute('data-next')
      var url = button.getAttribute('data-verify-url') + (next ? '?next=' + encodeURIComponent(next) : '')
      return post(url, body)
    }).then(function (res) {
      if (res.data && res.data.redirect) { window.location.assign(res.data.redirect); return }
      showError((res.data && res.data.error) || 'Your security key was not accepted.')
    }).catch(function () {
      showError('Your security key was not accepted, or it took too long. Try again, or enter a code.')
    })
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-webauthn]')
    if (button) { event.preventDefault(); start(button) }
  })
})()
