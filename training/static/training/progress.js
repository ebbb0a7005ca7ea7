/* Course page: poll the assignment job and fill the progress bar (no inline script: CSP). */
(function () {
  var box = document.getElementById("progress");
  if (!box || box.hidden) return;
  var bar = document.getElementById("progress-bar"), text = document.getElementById("progress-text");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      bar.value = d.percent || 0;
      text.textContent = d.state + (d.total ? " " + (d.done || 0) + "/" + d.total : "");
      document.getElementById("assigned").textContent = d.assigned;
      if (d.state !== "SUCCESS" && d.state !== "FAILURE") { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
