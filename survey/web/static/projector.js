// The projector view: fetches the session's counts every few seconds and updates the numbers
// in place ("answering now" is started but not yet submitted). Without this file the page reloads itself (a <noscript> meta refresh).
(function () {
  "use strict";
  var grid = document.querySelector(".projector-grid[data-progress-url]");
  if (!grid || !window.fetch || grid.getAttribute("data-status") !== "open") return;
  var url = grid.getAttribute("data-progress-url");
  var layout = grid.getAttribute("data-layout");

  function put(scope, selector, value) {
    var element = scope && scope.querySelector(selector);
    if (element && element.textContent !== String(value)) element.textContent = value;
  }

  function layoutOf(data) {
    return data.partnerships.map(function (p) {
      return p.round + ":" + p.partners.map(function (x) { return x.partner; }).join(",");
    }).join(";");
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { schedule(); return; }
        // Closed, or partnerships added or removed: the page itself must change.
        if (data.status !== "open" || layoutOf(data) !== layout) { window.location.reload(); return; }
        put(document, '[data-total="submitted"]', data.totals.submitted);
        put(document, '[data-total="in_progress"]', data.totals.started - data.totals.submitted);
        data.partnerships.forEach(function (p) {
          var card = grid.querySelector('[data-round="' + p.round + '"]');
          put(card, '[data-key="round-submitted"]', p.submitted);
          put(card, '[data-key="round-in_progress"]', p.started - p.submitted);
          p.partners.forEach(function (partner) {
            var row = card && card.querySelector('[data-partner="' + partner.partner + '"]');
            put(row, '[data-key="in_progress"]', partner.started - partner.submitted);
            put(row, '[data-key="submitted"]', partner.submitted);
          });
        });
        schedule();
      })
      .catch(schedule);
  }
  function schedule() { window.setTimeout(refresh, 5000); }
  schedule();
})();
