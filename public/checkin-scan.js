// 学術集会の受付: reads the member's check-in QR code with the device camera (BarcodeDetector), fills the
// field and submits the form. Without camera or BarcodeDetector nothing changes: a handheld reader or a
// typed member number works the same (the page needs no script).
(function () {
  'use strict';
  var form = document.querySelector('form[data-scan]');
  if (!form) return;
  var input = form.querySelector('#code');
  if (!input || !('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;

  var KEY_ON = 'koushin.checkin.camera';
  var KEY_LAST = 'koushin.checkin.last';
  var REPEAT_MS = 5000;
  var store = (function () {
    try {
      window.sessionStorage.setItem('koushin.test', '1');
      window.sessionStorage.removeItem('koushin.test');
      return window.sessionStorage;
    } catch {
      return null;
    }
  })();
  function get(key) { return store ? store.getItem(key) : null; }
  function set(key, value) { if (store) store.setItem(key, value); }
  function remove(key) { if (store) store.removeItem(key); }

  var detector = null;
  var stream = null;
  var timer = null;
  var busy = false;

  var box = document.createElement('div');
  box.className = 'actions';
  box.hidden = true;
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'button button--secondary';
  button.textContent = form.getAttribute('data-camera-start') || 'Camera';
  box.appendChild(button);
  var status = document.createElement('p');
  status.className = 'field__hint';
  status.setAttribute('aria-live', 'polite');
  var video = document.createElement('video');
  video.setAttribute('playsinline', '');
  video.setAttribute('aria-label', form.getAttribute('data-camera-label') || '');
  video.muted = true;
  video.width = 320;
  video.hidden = true;
  form.appendChild(box);
  form.appendChild(status);
  form.appendChild(video);

  function say(text) { status.textContent = text || ''; }

  function stop(keepFlag) {
    if (timer) window.clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    button.textContent = form.getAttribute('data-camera-start') || 'Camera';
    button.setAttribute('aria-pressed', 'false');
    if (!keepFlag) remove(KEY_ON);
  }

  function recentlySent(value) {
    try {
      var last = JSON.parse(get(KEY_LAST) || 'null');
      return !!last && last.v === value && Date.now() - last.t < REPEAT_MS;
    } catch {
      return false;
    }
  }

  function submit(value) {
    busy = true;
    set(KEY_LAST, JSON.stringify({ v: value, t: Date.now() }));
    input.value = value;
    stop(true);
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
  }

  function scan() {
    timer = null;
    if (!stream || busy) return;
    if (video.readyState < 2) {
      timer = window.setTimeout(scan, 200);
      return;
    }
    detector.detect(video).then(function (codes) {
      var value = codes && codes.length ? String(codes[0].rawValue || '').trim() : '';
      if (value && !recentlySent(value)) return submit(value);
      if (stream) timer = window.setTimeout(scan, 200);
    }).catch(function () {
      if (stream) timer = window.setTimeout(scan, 500);
    });
  }

  function fail() {
    stop(false);
    say(form.getAttribute('data-camera-error') || '');
    input.focus();
  }

  function start() {
    say('');
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      button.textContent = form.getAttribute('data-camera-stop') || 'Stop';
      button.setAttribute('aria-pressed', 'true');
      set(KEY_ON, '1');
      return video.play();
    }).then(function () {
      scan();
    }).catch(fail);
  }

  button.addEventListener('click', function () {
    if (stream) {
      stop(false);
      input.focus();
    } else {
      start();
    }
  });
  window.addEventListener('pagehide', function () { stop(true); });

  var formats = window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : Promise.resolve(['qr_code']);
  formats.then(function (list) {
    if (list.indexOf('qr_code') < 0) return;
    detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    box.hidden = false;
    // The desk keeps scanning after each member: the camera comes back on after the page reloads.
    if (get(KEY_ON) === '1') start();
  }).catch(function () {});
  button.setAttribute('aria-pressed', 'false');
})();
