// A job's page: asks for the job's state every second and a half and moves the progress bar;
// when the job's status changes (a worker took it, it is done, it failed), reloads so that the
// page says so and offers the download or the reason. Without this file: a "Refresh" link.
(function () {
  "use strict";
  var box = document.querySelector(".job[data-state-url]");
  if (!box || !window.fetch) return;
  var status = box.getAttribute("data-status");
  if (status === "done" || status === "failed") return;
  var url = box.getAttribute("data-state-url");
  var bar = box.querySelector("progress");
  var done = box.querySelector('[data-job="done"]');
  var total = box.querySelector('[data-job="total"]');

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(refresh, 3000); return; }
        if (state.status !== status) { window.location.reload(); return; }
        if (bar) { bar.max = state.total; bar.value = state.done; }
        if (done) done.textContent = state.done;
        if (total) total.textContent = state.total;
        window.setTimeout(refresh, 1500);
      })
      .catch(function () { window.setTimeout(refresh, 3000); });
  }
  window.setTimeout(refresh, 1500);
})();
