"""A cold visit of the 40-partner round dashboard in Chromium, on localhost: the bytes
transferred (goal: at most 1.5 MB) and the time to the first chart drawn (goal: at most
1,000 ms).

The app runs under werkzeug in a thread, on a temporary SQLite file, with the same round as
``bench_dashboard`` (40 partners, 400 respondents); the compressed assets are made first, as
``survey assets`` does when deploying. Each visit uses a new browser context (an empty HTTP
cache) signed in with the cookie of an earlier sign-in. Bytes are what Chromium received
(``encodedDataLength``: headers and compressed bodies) for the page and everything it loaded;
the first chart is the moment plotly.js finished drawing the first chart (its ``newPlot``
promise), from the start of navigation. The same visit asking for no compression is shown
beside it (what the dashboard cost before issue 17). Needs Playwright and /usr/bin/chromium
(or $CHROMIUM); skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from benchmarks.bench_dashboard import QUESTIONNAIRES, build_round
from benchmarks.timing import emit
from survey import create_app
from survey.store.database import db
from survey.store.models import Facilitator
from survey.web.assets import cache_of, static_assets
from survey.web.views.dashboard import plotly_asset

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PORT = 5151
VISITS = 5
EMAIL, PASSWORD = "bench@example.org", "bench-password"
# Records when plotly.js has drawn the first chart: Plotly.newPlot's promise resolves once a
# chart is complete. An init script wraps it as the page's plotly.js defines it (no app code).
FIRST_CHART = """
(function () {
  var plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: function () { return plotly; },
    set: function (value) {
      plotly = value;
      var newPlot = value.newPlot;
      value.newPlot = function () {
        return newPlot.apply(this, arguments).then(function (gd) {
          if (window.__firstChart === undefined) window.__firstChart = performance.now();
          return gd;
        });
      };
    },
  });
})();
"""


@contextmanager
def served(tmp: str) -> Iterator[tuple[str, int]]:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
        }
    )
    with app.app_context():
        db.create_all()
        user = Facilitator(email=EMAIL)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        round_id = build_round(40, 400)
    cache_of(app).prepare(
        [*static_assets(app), plotly_asset()]
    )  # the deploy step (`survey assets`)
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{PORT}", round_id
    finally:
        server.shutdown()
        thread.join()


def visit(browser: Any, state: dict[str, Any], url: str, compressed: bool) -> tuple[int, float]:
    headers = {} if compressed else {"Accept-Encoding": "identity"}
    context = browser.new_context(storage_state=state, extra_http_headers=headers)
    try:
        page = context.new_page()
        page.add_init_script(FIRST_CHART)
        cdp = context.new_cdp_session(page)
        received: list[float] = []
        cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
        cdp.send("Network.enable")
        page.goto(url, wait_until="load")
        # Polled from here: wait_for_function's polling evaluates a string, which the page's
        # CSP (no unsafe-eval) refuses.
        first_chart = None
        for _ in range(3000):
            first_chart = page.evaluate("window.__firstChart")
            if first_chart is not None:
                break
            page.wait_for_timeout(10)
        if first_chart is None:
            raise RuntimeError("plotly.js drew no chart within 30 s")
        page.wait_for_load_state("networkidle")
        return int(sum(received)), float(first_chart)
    finally:
        context.close()


def run() -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("# browser: skipped (Playwright is not installed)")
        return
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        print(f"# browser: skipped (no Chromium at {CHROMIUM})")
        return
    with (
        tempfile.TemporaryDirectory() as tmp,
        served(tmp) as (base, round_id),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("load")
            state = context.storage_state()
            context.close()
            url = f"{base}/rounds/{round_id}/dashboard"
            results: dict[bool, list[tuple[int, float]]] = {True: [], False: []}
            visit(browser, state, url, True)  # the server's own first-request work
            for _ in range(VISITS):
                for compressed in (True, False):
                    results[compressed].append(visit(browser, state, url, compressed))
        finally:
            browser.close()
    for compressed, suffix in ((True, ""), (False, "_uncompressed")):
        emit(f"dashboard_cold_bytes{suffix}", max(b for b, _ in results[compressed]), "bytes")
        emit(
            f"dashboard_first_chart_ms{suffix}",
            statistics.median(ms for _, ms in results[compressed]),
            "ms",
        )
