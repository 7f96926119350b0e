"""The round dashboard, live progress, comparisons over time, and Plotly's script.

Figures are built by reports.charts from the score report and handed to the page as JSON
(in <script type="application/json">, which is data, not code, so the CSP stays strict);
static/dashboard.js draws them with the plotly.js that this app serves itself.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import plotly
from flask import Blueprint, Response, abort, g, jsonify, render_template, request
from flask_login import login_required

from reports import charts
from survey.store.models import Round
from survey.store.round_scores import progress, round_report
from survey.web.access import own_partnership, own_round
from survey.web.template_helpers import interface_language

bp = Blueprint("dashboard", __name__)

PLOTLY_VERSION = plotly.__version__


@bp.get("/assets/plotly-<version>.min.js")
def plotly_js(version: str):  # type: ignore[no-untyped-def]
    """plotly.js from the plotly package; versioned URL, so it can be cached for a year."""
    if version != PLOTLY_VERSION:
        abort(404)
    script = files("plotly").joinpath("package_data", "plotly.min.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


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
    dimension = request.args.get("dimension")
    if dimension not in dims:
        dimension = dims[0]
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
    first = by_id.get(request.args.get("a", type=int) or -1)
    second = by_id.get(request.args.get("b", type=int) or -1)
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


def _partner_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
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
