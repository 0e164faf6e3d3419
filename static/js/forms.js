// After a form comes back with errors, move focus to the list of problems, so keyboard and
// screen-reader users start there. The page works the same without JavaScript.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
