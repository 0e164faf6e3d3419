// Ask before destructive actions: any button with data-confirm="question" (no inline script,
// so the Content Security Policy stays strict). Without JavaScript the action simply runs.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
