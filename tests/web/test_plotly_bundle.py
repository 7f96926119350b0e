"""The dashboards' plotly.js: a bundle of only the trace types reports/charts.py makes
(survey/web/plotly_bundle), served when it was built from the plotly package's plotly.js;
every chart the app draws uses a trace type the bundle holds."""

from __future__ import annotations

import gzip
import re
from importlib.resources import files
from typing import Any

import plotly

from reports import charts
from survey.web.views import dashboard
from tests.reports.test_reports import PARTNERS, ROWS, build

BUNDLE_DIR = dashboard.BUNDLE.parent


def bundle_traces() -> set[str]:
    """The trace types entry.js registers, plus scatter (part of plotly.js's core)."""
    entry = (BUNDLE_DIR / "entry.js").read_text(encoding="utf-8")
    return {"scatter"} | set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)) - {"core"}


def every_figure(report: dict[str, Any]) -> list[dict[str, Any]]:
    later = dict(report)
    progress = [{"partner": "Police", "invited": 3, "started": 2, "submitted": 1}]
    return [
        charts.radar_figure(charts.radar_spec(report)),
        charts.heatmap_figure(report),
        charts.spread_figure(report),
        charts.na_figure(report),
        charts.items_figure(report, report["dimensions"][0]["id"]),
        charts.progress_figure(progress, "en"),
        charts.slope_figure(report, later, "Spring", "Autumn"),
        charts.trend_figure([("Spring", report), ("Autumn", later)]),
    ]


def test_every_chart_uses_a_trace_type_the_bundle_holds() -> None:
    report = build(PARTNERS, ROWS, "en")
    used = {trace.get("type", "scatter") for f in every_figure(report) for trace in f["data"]}
    assert used <= bundle_traces(), used - bundle_traces()
    banner = dashboard.BUNDLE.read_bytes()[:300].decode()
    assert "traces: " + " ".join(["scatter", "bar", "heatmap", "scatterpolar"]) in banner
    assert set(banner.split("traces: ")[1].split(" (")[0].split()) == bundle_traces()


def test_the_bundle_is_built_from_the_plotly_packages_plotly_js() -> None:
    """A plotly upgrade without `make plotly-bundle` would serve the full file: this says so."""
    full = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    theirs = re.search(rb"plotly\.js v(\d+\.\d+\.\d+)", full[:300])
    ours = re.search(rb"plotly\.js v(\d+\.\d+\.\d+)", dashboard.BUNDLE.read_bytes()[:300])
    assert theirs and ours and ours.group(1) == theirs.group(1)
    assert dashboard.plotly_asset().data == dashboard.BUNDLE.read_bytes()
    assert len(dashboard.plotly_asset().data) < len(full) / 3


def test_the_dashboard_gets_the_bundle(client) -> None:
    response = client.get(
        f"/assets/plotly-{plotly.__version__}.min.js", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert gzip.decompress(response.data) == dashboard.BUNDLE.read_bytes()


def test_a_bundle_of_another_plotly_js_is_not_served(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "plotly-dashboard.min.js"
    stale.write_bytes(b"/* plotly.js v0.0.1, traces: scatter */\nvar Plotly = {};\n")
    monkeypatch.setattr(dashboard, "BUNDLE", stale)
    dashboard.plotly_asset.cache_clear()
    try:
        full = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
        assert dashboard.plotly_asset().data == full
    finally:
        dashboard.plotly_asset.cache_clear()
