// The demo's own browser helper, served at /assets/acme.js. It is the vendor's code, not
// Refstack's: it turns the signup/login forms into fetch() calls to the demo server (the
// forms still work without JS), waits for the Refstack script to be ready, runs the page's
// tracking call, shows the outcome in #status (textContent only: nothing is parsed as HTML)
// and then navigates on. Each page's inline script shows the Refstack call itself.

/** How long a page waits for the tracker before moving on. */
export const TRACK_TIMEOUT_MS = 3000;
/** How long the outcome stays on screen before navigating (skip with ?stay=1). */
export const NAVIGATE_DELAY_MS = 700;

export const CLIENT_JS = `(function () {
  'use strict';
  var TRACK_TIMEOUT = ${TRACK_TIMEOUT_MS};
  var NAVIGATE_DELAY = ${NAVIGATE_DELAY_MS};

  function byId(id) { return document.getElementById(id); }

  function setStatus(text, state, partnerKey) {
    var el = byId('status');
    if (!el) return;
    el.textContent = text;
    el.setAttribute('data-state', state);
    if (partnerKey !== undefined) el.setAttribute('data-partner-key', partnerKey === null ? '' : String(partnerKey));
  }

  function go(url) {
    if (/[?&]stay=1(&|$)/.test(location.search)) return;
    setTimeout(function () { location.assign(url); }, NAVIGATE_DELAY);
  }

  // Runs fn once isReady() is true (the script has installed its API), or after the time
  // limit anyway (then the stub queues the call). Resolves with fn's Promise result, or with
  // { sent } / { queued } / { timeout } / { error } - never rejects.
  function track(isReady, fn) {
    return new Promise(function (resolve) {
      var started = Date.now();
      var settled = false;
      function finish(value) { if (!settled) { settled = true; resolve(value); } }
      setTimeout(function () { finish({ timeout: true }); }, TRACK_TIMEOUT);
      (function poll() {
        if (settled) return;
        var ready = false;
        try { ready = isReady(); } catch (e) { ready = false; }
        if (!ready && Date.now() - started < TRACK_TIMEOUT - 300) { setTimeout(poll, 50); return; }
        var out;
        try { out = fn(); } catch (e) { finish({ error: e }); return; }
        if (out && typeof out.then === 'function') out.then(finish, function (e) { finish({ error: e }); });
        else finish(ready ? { sent: true } : { queued: true });
      })();
    });
  }

  function refstackReady(method) {
    return function () { return !!(window.refstack && typeof window.refstack[method] === 'function'); };
  }

  function describe(verb, result) {
    if (result && result.queued) return { text: verb + '. The Refstack script has not loaded, so the call waits in the page queue.', state: 'queued' };
    if (result && result.timeout) return { text: verb + '. Refstack has not answered yet; the script keeps the event and retries.', state: 'timeout' };
    if (result && result.error) return { text: verb + '. Refstack answered with an error: ' + String(result.error && result.error.message || result.error), state: 'tracker-error' };
    if (result && Object.prototype.hasOwnProperty.call(result, 'partnerKey')) {
      var pk = result.partnerKey;
      return { text: verb + (pk ? '. Referred by partner: ' + pk : '. Not referred by a partner.'), state: 'done', partnerKey: pk == null ? null : pk };
    }
    return { text: verb + '.', state: 'done' };
  }

  // Submits form via fetch (JSON answer from the demo server), then runs after(user), which
  // returns the tracking Promise; shows the outcome and navigates to the server's "next".
  function handle(formId, verb, after) {
    var form = byId(formId);
    if (!form) return;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      setStatus('Working...', 'pending');
      fetch(form.getAttribute('action') || location.pathname, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(new FormData(form)).toString()
      })
        .then(function (res) {
          return res.json().then(function (body) {
            if (!res.ok) throw new Error((body && body.error && body.error.message) || ('HTTP ' + res.status));
            return body;
          });
        })
        .then(function (body) {
          setStatus(verb + '. Telling Refstack...', 'pending');
          return after(body.user).then(function (result) {
            var d = describe(verb, result);
            setStatus(d.text, d.state, d.partnerKey);
            go(body.next);
          });
        })
        .catch(function (err) {
          if (button) button.disabled = false;
          setStatus(String((err && err.message) || err), 'error');
        });
    });
  }

  // A purchase form posts normally; only guard against a double click.
  document.addEventListener('DOMContentLoaded', function () {
    var buy = byId('buy-form');
    if (buy) buy.addEventListener('submit', function () {
      var b = byId('buy');
      if (b) setTimeout(function () { b.disabled = true; }, 0);
    });
  });

  window.acme = { handle: handle, track: track, refstackReady: refstackReady, setStatus: setStatus };
})();
`;
