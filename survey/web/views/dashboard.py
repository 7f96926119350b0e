"""The round dashboard, live progress, comparisons over time, and Plotly's script.

Figures are built by reports.charts from the score report and handed to the page as JSON
(in <script type="application/json">, which is data, not code, so the CSP stays strict);
static/dashboard.js draws them with the plotly.js that this app serves itself.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import plotly
from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from flask_login import login_required

from reports import charts
from survey.core.report import ScoreReport
from survey.store.models import Round
from survey.store.round_scores import progress, round_report
from survey.web import assets
from survey.web.access import own_partnership, own_round
from survey.web.ids import parse_id
from survey.web.template_helpers import interface_language

bp = Blueprint("dashboard", __name__)

PLOTLY_VERSION = plotly.__version__


BUNDLE = Path(__file__).resolve().parents[1] / "plotly_bundle" / "plotly-dashboard.min.js"
_VERSION_MARK = re.compile(rb"plotly\.js v(\d+\.\d+\.\d+)")


@cache
def plotly_asset() -> assets.Asset:
    """The plotly.js the dashboards load: the bundle of only the trace types our charts use
    (survey/web/plotly_bundle, a quarter of the size), when it was built from the same
    plotly.js as the plotly package's; otherwise the package's full plotly.min.js."""
    full = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    if BUNDLE.is_file():
        bundle = BUNDLE.read_bytes()
        ours, theirs = _VERSION_MARK.search(bundle[:300]), _VERSION_MARK.search(full[:300])
        if ours and theirs and ours.group(1) == theirs.group(1):
            return assets.load(bundle, "plotly.min.js")
    return assets.load(full, "plotly.min.js")


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str):  # type: ignore[no-untyped-def]
    """plotly.js from the plotly package, compressed (survey/web/assets.py); versioned URL,
    so it can be cached for a year."""
    if version != PLOTLY_VERSION:
        abort(404)
    return assets.respond(plotly_asset(), assets.cache_of(current_app), versioned=True)


@bp.before_request
def require_login() -> Any:
    if request.endpoint == "dashboard.plotly_js":
        return None
    g.inline_styles = True
    return login_required(lambda: None)()


def _language(round_: Round | None = None) -> str:
    """Results follow the interface language: one language per page (an export or a PDF can
    still be asked for in the other language, explicitly)."""
    return interface_language()


@bp.get("/rounds/<int:round_id>/dashboard")
def round_dashboard(round_id: int):  # type: ignore[no-untyped-def]
    round_ = own_round(round_id)
    report = round_report(round_, _language(round_))
    dims = [d["id"] for d in report["dimensions"]]
    asked = request.args.get("dimension")
    dimension = str(asked) if asked in dims else dims[0]
    rows = progress(round_)
    figures = {"progress": charts.progress_figure(rows, report["language"])}
    withheld = report.get("privacy", {}).get("withheld", False)
    if report["partnership"]["respondents"] and not withheld:
        figures |= {
            "radar": charts.radar_figure(charts.radar_spec(report)),
            "heatmap": charts.heatmap_figure(report),
            "spread": charts.spread_figure(report),
            "na": charts.na_figure(report),
            "items": charts.items_figure(report, dimension),
        }
    return render_template(
        "dashboard/round.html",
        round=round_,
        report=report,
        figures=figures,
        dimension=dimension,
        progress=rows,
        withheld=withheld,
        plotly_version=PLOTLY_VERSION,
    )


@bp.get("/rounds/<int:round_id>/progress.json")
def round_progress(round_id: int):  # type: ignore[no-untyped-def]
    round_ = own_round(round_id)
    rows = progress(round_)
    response = jsonify(
        status=round_.status,
        partners=[
            {k: row[k] for k in ("partner", "started", "submitted", "invited")} for row in rows
        ],
        totals={
            "started": sum(r["started"] for r in rows),
            "submitted": sum(r["submitted"] for r in rows),
            "invited": sum(r["invited"] or 0 for r in rows),
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/partnerships/<int:partnership_id>/compare")
def compare(partnership_id: int):  # type: ignore[no-untyped-def]
    """Two rounds of the same instrument side by side, and the trend over all of them."""
    partnership = own_partnership(partnership_id)
    rounds = sorted(partnership.rounds, key=lambda r: (r.opens_on or r.created_at.date(), r.id))
    lang = _language()
    by_id = {r.id: r for r in rounds}
    first = by_id.get(parse_id(request.args.get("a")) or -1)
    second = by_id.get(parse_id(request.args.get("b")) or -1)
    if first is None or second is None:
        comparable = [
            r for r in rounds if r.instrument_id == (rounds[-1].instrument_id if rounds else None)
        ]
        if len(comparable) >= 2:
            first, second = comparable[-2], comparable[-1]
    error = None
    changes: list[dict[str, Any]] = []
    slope = None
    before = after = None
    if first is not None and second is not None:
        if first.instrument_id != second.instrument_id:
            error = "instrument"
        else:
            before, after = round_report(first, lang), round_report(second, lang)
            slope = charts.slope_figure(before, after, first.name, second.name)
            changes = _partner_changes(before, after)
    same_instrument = [
        r for r in rounds if second is None or r.instrument_id == second.instrument_id
    ]
    trend_reports = [(r.name, round_report(r, lang)) for r in same_instrument]
    return render_template(
        "dashboard/compare.html",
        partnership=partnership,
        rounds=rounds,
        first=first,
        second=second,
        before=before,
        after=after,
        error=error,
        changes=changes,
        figures={
            **({"slope": slope} if slope else {}),
            **({"trend": charts.trend_figure(trend_reports)} if len(trend_reports) >= 2 else {}),
        },
        trend=trend_reports,
        plotly_version=PLOTLY_VERSION,
    )


def _partner_changes(before: ScoreReport, after: ScoreReport) -> list[dict[str, Any]]:
    """Change per partner and dimension, for partners present in both rounds."""
    old = {p["partner"]: p for p in before["partners"]}
    rows = []
    for partner in after["partners"]:
        previous = old.get(partner["partner"])
        if previous is None:
            continue
        deltas = {}
        for d in after["dimensions"]:
            a, b = previous["scores"].get(d["id"]), partner["scores"].get(d["id"])
            deltas[d["id"]] = None if a is None or b is None else b - a
        rows.append({"partner": partner["partner"], "deltas": deltas})
    return rows
