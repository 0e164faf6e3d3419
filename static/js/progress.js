// Follow a running analysis without reloading: poll its job every two seconds, update the stage
// and the bar, and reload once when it has finished (or failed) to show the result.
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var stages = {};
  try { stages = JSON.parse(box.getAttribute("data-stages") || "{}"); } catch (e) { stages = {}; }
  var bar = box.querySelector("progress");
  var stage = box.querySelector(".stage");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (!job.active) { window.location.reload(); return; }
        if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
        if (stage && job.stage) { stage.textContent = stages[job.stage] || job.stage; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
