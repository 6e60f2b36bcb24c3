// Privacy console: reloads a page that follows running requests, every
// few seconds, unless the officer pauses it or is using the keyboard on
// a control. Every page works without this script.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var body = document.body;
  var seconds = parseInt(body.getAttribute('data-refresh') || '0', 10);
  var region = document.getElementById('refresh-control');
  if (!seconds || !region) {
    return;
  }
  var key = 'gdpr-console-refresh-paused';
  var paused = window.sessionStorage && sessionStorage.getItem(key) === '1';
  var timer = null;

  var button = document.createElement('button');
  button.type = 'button';
  button.id = 'refresh-toggle';
  region.appendChild(button);

  function label() {
    button.textContent = paused ? 'Resume automatic reload' : 'Pause automatic reload';
    button.setAttribute('aria-pressed', paused ? 'true' : 'false');
  }

  function busy() {
    var el = document.activeElement;
    return el && el !== body && el !== button && el.tagName !== 'MAIN';
  }

  function schedule() {
    clearTimeout(timer);
    if (paused) {
      return;
    }
    timer = setTimeout(function () {
      if (busy()) {
        schedule();
      } else {
        window.location.reload();
      }
    }, seconds * 1000);
  }

  button.addEventListener('click', function () {
    paused = !paused;
    if (window.sessionStorage) {
      sessionStorage.setItem(key, paused ? '1' : '0');
    }
    label();
    schedule();
  });
  label();
  schedule();
}());
