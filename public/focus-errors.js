// Loaded with `defer` only on pages that render the error summary: move focus to it so
// keyboard and screen-reader users land on the list of problems first.
(function () {
  'use strict';
  var summary = document.getElementById('error-summary');
  if (summary && typeof summary.focus === 'function') summary.focus();
})();
