// Opens a page's form in a modal dialog where JavaScript runs (the self-report 「新規」 on 会員情報照会).
// Without this script the link simply opens the same form as a page; with it, the page's <main> is shown
// in a <dialog>, and its forms still submit normally (the result is a full page, as without JavaScript).
(function () {
  if (typeof HTMLDialogElement !== 'function' || !window.fetch || !window.DOMParser) return;
  var lang = document.documentElement.lang === 'en' ? 'en' : 'ja';
  var closeLabel = lang === 'en' ? 'Close' : '閉じる';

  function open(link) {
    fetch(link.href, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var main = doc.querySelector('main');
        if (!main) throw new Error('no main');
        var dialog = document.createElement('dialog');
        dialog.className = 'modal';
        var heading = main.querySelector('h1');
        if (heading) {
          heading.id = 'modal-title';
          dialog.setAttribute('aria-labelledby', 'modal-title');
        }
        var close = document.createElement('button');
        close.type = 'button';
        close.className = 'button button--quiet modal__close';
        close.textContent = closeLabel;
        close.addEventListener('click', function () { dialog.close(); });
        dialog.appendChild(close);
        Array.prototype.forEach.call(main.childNodes, function (n) { dialog.appendChild(document.importNode(n, true)); });
        // Scripts parsed from a string do not run; the suggestions are re-attached by hand.
        dialog.querySelectorAll('script').forEach(function (s) { s.remove(); });
        dialog.addEventListener('close', function () { dialog.remove(); link.focus(); });
        document.body.appendChild(dialog);
        dialog.showModal();
        if (window.koushinSuggest) window.koushinSuggest(dialog);
      })
      .catch(function () { window.location.href = link.href; });
  }

  document.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a[data-dialog]') : null;
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(link);
  });
})();
