// socialcare console: live updates over Server-Sent Events, countdowns on
// the desk's clock, the reply guards' verdicts as the agent types, the
// workspace's sign of life, and a few keyboard shortcuts. Everything the
// page shows of customers comes from the server's escaping templates; this
// script only moves server-rendered fragments and sets textContent.
(function () {
  'use strict';
  var body = document.body;
  var page = body.dataset.page;
  if (!page || page === 'signin') { return; }

  // The desk's clock: its time when the page (or a fragment) was rendered,
  // moved on by the browser's monotonic clock.
  var deskAt = Date.parse(body.dataset.now), perfAt = performance.now();
  function deskNow() { return deskAt + (performance.now() - perfAt); }
  function setNow(iso) { var t = Date.parse(iso); if (!isNaN(t)) { deskAt = t; perfAt = performance.now(); } }

  function fmt(ms) {
    var s = Math.floor(Math.abs(ms) / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60);
    if (h >= 48) { return Math.floor(h / 24) + 'd' + (h % 24) + 'h'; }
    if (h >= 1) { return h + 'h' + String(m % 60).padStart(2, '0') + 'm'; }
    return m + 'm' + String(s % 60).padStart(2, '0') + 's';
  }
  function tick() {
    var now = deskNow();
    document.querySelectorAll('time[data-due]').forEach(function (el) {
      var left = Date.parse(el.dataset.due) - now;
      el.textContent = left >= 0 ? fmt(left) + ' left' : 'breached ' + fmt(left) + ' ago';
      el.classList.toggle('late', left < 0);
      var row = el.closest('tr');
      if (row && left < 0) { row.classList.add('breach'); }
    });
    document.querySelectorAll('time[data-since]').forEach(function (el) {
      el.textContent = fmt(now - Date.parse(el.dataset.since));
    });
    var clock = document.getElementById('desk-clock');
    if (clock) { clock.textContent = new Date(now).toISOString().substring(11, 19); }
  }
  setInterval(tick, 1000);
  tick();

  // Reload a server-rendered part of this page into its container.
  var pending = {};
  function reload(part, id, delay) {
    if (pending[part]) { return; }
    pending[part] = setTimeout(function () {
      var u = new URL(location.href);
      u.searchParams.set('part', part);
      fetch(u, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      }).then(function (html) {
        delete pending[part];
        var box = document.getElementById(id);
        if (!box) { return; }
        box.innerHTML = html;
        var first = box.firstElementChild;
        if (first && first.dataset.now) { setNow(first.dataset.now); }
        tick();
        body.dataset.updated = String(Date.now());
      }).catch(function () { delete pending[part]; });
    }, delay);
  }
  function reloadAll() {
    if (page === 'queue') { reload('rows', 'queue-live', 0); }
    if (page === 'work' && body.dataset.key) { reload('timeline', 'timeline-live', 0); }
    if (page === 'leads') { reload('body', 'leads-live', 0); }
  }

  // Live events.
  var live = document.getElementById('live');
  var es = new EventSource('events');
  es.onopen = function () { if (live) { live.classList.add('on'); } };
  es.onerror = function () { if (live) { live.classList.remove('on'); } };
  es.addEventListener('resync', reloadAll);
  es.onmessage = function (m) {
    var e;
    try { e = JSON.parse(m.data); } catch (err) { return; }
    body.dataset.lastEvent = e.kind + ' ' + (e.key || '');
    if (page === 'queue' && e.key) { reload('rows', 'queue-live', 100); }
    if (page === 'leads') { reload('body', 'leads-live', 500); }
    if (page === 'work' && e.key && e.key === body.dataset.key) { reload('timeline', 'timeline-live', 100); }
  };

  if (page !== 'work' || !body.dataset.key) { shortcuts(); return; }

  // The workspace: verdicts as the agent types, a sign of life every 20
  // seconds, and "I left" when the page closes (not when it submits one
  // of its own forms).
  var key = body.dataset.key;
  function post(path, fields) {
    var f = new FormData();
    f.set('key', key);
    Object.keys(fields || {}).forEach(function (k) { f.set(k, fields[k]); });
    return fetch(path, { method: 'POST', body: f, credentials: 'same-origin' });
  }
  var reply = document.getElementById('reply'), verdicts = document.getElementById('verdicts');
  var typing;
  function check() {
    post('preview', { text: reply.value }).then(function (r) { return r.ok ? r.json() : null; }).then(function (res) {
      if (!res) { return; }
      verdicts.textContent = '';
      (res.verdicts || []).forEach(function (v) {
        var li = document.createElement('li');
        li.className = 'verdict ' + v.level;
        li.dataset.guard = v.guard;
        var g = document.createElement('strong');
        g.textContent = v.guard;
        li.appendChild(g);
        li.appendChild(document.createTextNode(' ' + v.detail));
        verdicts.appendChild(li);
      });
      verdicts.dataset.checked = reply.value;
    });
  }
  if (reply) {
    reply.addEventListener('input', function () { clearTimeout(typing); typing = setTimeout(check, 250); });
    reply.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); document.getElementById('reply-form').requestSubmit(); }
    });
    if (reply.value) { check(); }
  }
  setInterval(function () { post('hold'); }, 20000);
  var submitting = false;
  document.querySelectorAll('form').forEach(function (f) { f.addEventListener('submit', function () { submitting = true; }); });
  window.addEventListener('pagehide', function () {
    if (submitting) { return; }
    var f = new FormData();
    f.set('key', key);
    navigator.sendBeacon('leave', f);
  });
  shortcuts();

  function shortcuts() {
    document.addEventListener('keydown', function (ev) {
      var t = ev.target.tagName;
      if (t === 'INPUT' || t === 'TEXTAREA' || t === 'SELECT' || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (ev.key === 'n') { var b = document.getElementById('take-next'); if (b) { ev.preventDefault(); b.click(); } }
      if (ev.key === 'q') { location.href = 'queue'; }
    });
  }
})();
