// The statistics export job: poll its JSON status until it is done or failed, then show
// the link (no framework; served by the project).
(function () {
  "use strict";
  var box = document.getElementById("statistics-job");
  if (!box) { return; }
  var bar = document.getElementById("statistics-job-progress");
  var label = document.getElementById("statistics-job-label");
  var message = document.getElementById("statistics-job-message");
  var link = document.getElementById("statistics-job-link");
  function show(job) {
    bar.value = job.progress;
    label.textContent = job.status_label + " (" + job.progress + "%)";
    message.textContent = job.message || "";
    if (job.url) { link.href = job.url; link.hidden = false; }
    box.dataset.status = job.status;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (job.status === "pending" || job.status === "running") { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  if (box.dataset.status === "pending" || box.dataset.status === "running") { poll(); }
})();
