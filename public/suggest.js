// 単位コード suggestions as the member types. Without this script the same form searches on submit.
(function () {
  function attach(root) {
  var form = root.querySelector('form[data-suggest]');
  if (!form || !window.fetch || form.getAttribute('data-suggest-ready')) return;
  form.setAttribute('data-suggest-ready', '1');
  var input = form.querySelector('input[type="search"]');
  if (!input) return;
  var url = form.getAttribute('data-suggest');
  var base = form.getAttribute('action');
  var box = document.createElement('div');
  box.setAttribute('aria-live', 'polite');
  box.className = 'suggest-box';
  form.parentNode.insertBefore(box, form.nextSibling);
  var timer = null;
  var seq = 0;

  function render(items, q) {
    box.textContent = '';
    if (!q) return;
    var status = document.createElement('p');
    status.className = 'muted';
    status.textContent = items.length + (document.documentElement.lang === 'en' ? ' suggestions' : '件の候補');
    box.appendChild(status);
    var list = document.createElement('ul');
    list.className = 'suggestions';
    items.forEach(function (item) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = base + '?catalogue=' + encodeURIComponent(item.id);
      var code = document.createElement('strong');
      code.textContent = item.code;
      a.appendChild(code);
      a.appendChild(document.createTextNode(' ' + item.name + '（' + item.credits + '）'));
      li.appendChild(a);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    var q = input.value.trim();
    timer = setTimeout(function () {
      var mine = ++seq;
      if (!q) return render([], '');
      fetch(url + '?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (mine === seq) render(items, q); })
        .catch(function () {});
    }, 200);
  });
  }
  // dialog.js calls this for a form it shows in a dialog.
  window.koushinSuggest = attach;
  attach(document);
})();
