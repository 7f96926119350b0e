// Draws the dashboard's figures (JSON built on the server by reports/charts.py) with plotly.js,
// and keeps the response progress up to date without reloading the page.
(function () {
  "use strict";
  // No mode bar: each chart is one image (role="img") with a text alternative and a table of its
  // numbers, and an image must hold no buttons (WCAG 4.1.2; axe's nested-interactive rule).
  var CONFIG = { displaylogo: false, responsive: true, displayModeBar: false };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source || !window.Plotly) return;
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, CONFIG);
  }

  // The first chart is drawn at once; each of the others after the browser has shown what is
  // drawn so far (a frame, then a task), so the page shows a chart before all six are done.
  var pending = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
  function drawNext() {
    var element = pending.shift();
    if (!element) return;
    draw(element);
    if (!pending.length) return;
    // A hidden tab gets no frames: there, draw on without waiting for one.
    if (document.hidden) window.setTimeout(drawNext, 0);
    else window.requestAnimationFrame(function () { window.setTimeout(drawNext, 0); });
  }
  drawNext();

  // Choosing a dimension reloads the item chart without a separate click.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var section = document.querySelector("[data-progress-url]");
  if (!section || !window.fetch) return;
  var url = section.getAttribute("data-progress-url");
  var chart = document.getElementById("chart-progress");

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.partners.forEach(function (row, index) {
          var tr = section.querySelectorAll("tbody tr")[index];
          if (!tr) return;
          tr.querySelector('[data-key="started"]').textContent = row.started;
          tr.querySelector('[data-key="submitted"]').textContent = row.submitted;
        });
        if (chart && chart.data && window.Plotly) {
          var submitted = data.partners.map(function (r) { return r.submitted; });
          var started = data.partners.map(function (r) { return r.started - r.submitted; });
          var waiting = data.partners.map(function (r) { return Math.max(0, (r.invited || 0) - r.started); });
          window.Plotly.restyle(chart, { x: [submitted, started, waiting] }, [0, 1, 2]);
        }
        if (data.status === "open") schedule();
      })
      .catch(schedule);
  }
  function schedule() { window.setTimeout(refresh, 5000); }
  schedule();
})();
