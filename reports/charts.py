"""Every chart, built in one place from the score report (plain data in, plain data out).

A chart is first a small specification (``RadarSpec``...) and then rendered: to a Plotly
figure (a JSON-able dict the dashboard hands to plotly.js) here, and to vector SVG for PDFs
in ``reports/svg.py``, so the dashboard and the printed report always show the same thing.

Colours: the Okabe–Ito palette, safe for the common colour-vision deficiencies, with a line
dash per series so that the charts still read when printed in greyscale.
No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.core.report import ScoreReport
from survey.core.wording import format_score

# Okabe & Ito (2008); black is kept for the partnership itself.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PARTNERSHIP_COLOUR = "#000000"
RING_COLOUR = "#767676"
NA_COLOUR = "#BBBBBB"
# Diverging, colour-blind safe (ColorBrewer PuOr), light in the middle so greyscale still orders it.
SCALE_COLOURS = ("#b35806", "#f1a340", "#d9d9d9", "#998ec3", "#542788")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"

WORDS = {
    "en": {
        "partnership": "Partnership",
        "strength": "Strength",
        "borderline": "Borderline",
        "score": "Score",
        "respondents": "respondents",
        "na": "Don't know",
        "submitted": "Submitted",
        "started": "Started, not submitted",
        "not_started": "Invited, not started",
        "partners": "Partners",
        "mean": "Partnership mean",
    },
    "fr": {
        "partnership": "Partenariat",
        "strength": "Force",
        "borderline": "Zone limite",
        "score": "Score",
        "respondents": "répondants",
        "na": "Ne sait pas",
        "submitted": "Soumises",
        "started": "Commencées, non soumises",
        "not_started": "Invités, pas commencé",
        "partners": "Partenaires",
        "mean": "Moyenne du partenariat",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


# -- the chart model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: str
    dash: str = "solid"
    width: float = 2.0
    visible: bool = True
    fill: bool = False


@dataclass(frozen=True)
class RadarSpec:
    """Axes (dimension titles), series of scores on them, and rings at the band cut-offs."""

    axes: tuple[str, ...]
    series: tuple[Series, ...]
    rings: tuple[tuple[float, str], ...]
    minimum: float = 1.0
    maximum: float = 5.0
    title: str = ""
    language: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)


def radar_spec(
    report: ScoreReport,
    partners: Sequence[str] | None = None,
    visible_partners: int = 6,
) -> RadarSpec:
    """The partnership against each partner (or only ``partners``, e.g. a partner's copy).

    With more than ``visible_partners`` partners, partners start hidden (toggled from the
    legend) so that a 40-partner round does not draw a knot.
    """
    language = report["language"]
    w = words(language)
    dims = [d["id"] for d in report["dimensions"]]
    axes = tuple(d["title"] for d in report["dimensions"])
    chosen = [p for p in report["partners"] if partners is None or p["partner"] in partners]
    scored = [p for p in chosen if any(p["scores"][d] is not None for d in dims)]
    show_all = len(scored) <= visible_partners
    series = [
        Series(
            w["partnership"],
            tuple(report["partnership"]["scores"][d] for d in dims),
            PARTNERSHIP_COLOUR,
            "solid",
            3.5,
        )
    ]
    for i, partner in enumerate(scored):
        series.append(
            Series(
                partner["partner"],
                tuple(partner["scores"][d] for d in dims),
                PALETTE[i % len(PALETTE)],
                DASHES[(i // len(PALETTE) + i) % len(DASHES)],
                2.0,
                show_all or partner["lead"],
            )
        )
    bands = report["bands"]
    rings = ((bands["borderline"], w["borderline"]), (bands["strength"], w["strength"]))
    return RadarSpec(axes, tuple(series), rings, language=language)


# -- Plotly renderers ---------------------------------------------------------------------


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "font": {"family": FONT, "size": 14, "color": "#1b1f24"},
        "margin": {"l": 60, "r": 30, "t": 30, "b": 40},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.15},
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def radar_figure(spec: RadarSpec) -> dict[str, Any]:
    # Narrow lines and wide side margins: the radar sits in half the page beside the summary,
    # and Plotly does not make room for angular labels by itself.
    axes = [_label(a, 14) for a in spec.axes]
    theta = [*axes, axes[0]]  # close the loop
    traces: list[dict[str, Any]] = []
    for value, label in spec.rings:
        traces.append(
            {
                "type": "scatterpolar",
                "r": [value] * len(theta),
                "theta": theta,
                "mode": "lines",
                "name": f"{label} ({format_score(value, spec.language)})",
                "line": {"color": RING_COLOUR, "dash": "dot", "width": 1},
                "hoverinfo": "skip",
                "showlegend": True,
                "legendgroup": "rings",
            }
        )
    for s in spec.series:
        r = [*s.values, s.values[0]]
        traces.append(
            {
                "type": "scatterpolar",
                "r": r,
                "theta": theta,
                "mode": "lines+markers",
                "name": _escape_template(s.name),
                "line": {"color": s.colour, "dash": s.dash, "width": s.width},
                "marker": {"size": 6 if s.width < 3 else 8},
                "connectgaps": False,
                "visible": True if s.visible else "legendonly",
                "hovertemplate": "%{theta}: %{r:.2f}<extra>"
                + _escape_template(s.name)
                + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            polar={
                "radialaxis": {
                    "range": [spec.minimum - 0.0, spec.maximum],
                    "tickvals": [1, 2, 3, 4, 5],
                    "angle": 90,
                    "tickangle": 90,
                    "gridcolor": "#e0e0e0",
                },
                "angularaxis": {"direction": "clockwise", "gridcolor": "#e0e0e0"},
            },
            showlegend=True,
            height=520,
            margin={"l": 105, "r": 105, "t": 40, "b": 40},
        ),
    }


def _escape_template(text: str) -> str:
    # Plotly reads %{...} in templates and a subset of HTML in labels: names and question
    # texts come from people, so neither may be interpreted.
    return text.replace("&", "&amp;").replace("%", "%%").replace("<", "&lt;").replace(">", "&gt;")


ITEM_LABEL_WIDTH = 40
HEATMAP_LABEL_WIDTH = 11
# Slope-chart end labels: at least this far apart on the 1-5 axis (about 17 px at 480 px).
SLOPE_LABEL_GAP = 0.2


def spread_labels(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Positions for labels beside ``values`` that are at least ``gap`` apart, each as close
    to its own value as that allows, kept within ``[low, high]`` (same order as given)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed: list[float] = []
    for i in order:
        y = max(values[i], low)
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
    overflow = (placed[-1] - high) if placed else 0.0
    if overflow > 0:  # push the stack down from the top, keeping the gaps
        placed = [y - overflow for y in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def _label(text: str, width: int = 16) -> str:
    """An axis label, escaped and wrapped onto lines of about ``width`` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(_escape_template(line) for line in lines)


def heatmap_figure(report: ScoreReport) -> dict[str, Any]:
    """Partner × dimension: the score and the number of respondents in each cell."""
    language = report["language"]
    w = words(language)
    dims = report["dimensions"]
    partners = [p for p in report["partners"]]
    z = [[p["scores"][d["id"]] for d in dims] for p in partners]
    text = [
        [
            f"{format_score(p['scores'][d['id']], language)}<br>n={p['respondents']}"
            if p["scores"][d["id"]] is not None
            else f"—<br>n={p['respondents']}"
            for d in dims
        ]
        for p in partners
    ]
    names = [_escape_template(p["partner"]) for p in partners]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": [_label(d["title"], HEATMAP_LABEL_WIDTH) for d in dims],
                "y": names,
                "text": text,
                "texttemplate": "%{text}",
                "hovertemplate": "%{y} · %{x}: %{z:.2f}<extra></extra>",
                "zmin": 1,
                "zmax": 5,
                "colorscale": "Cividis",  # designed for colour-vision deficiency, monotone in grey
                "colorbar": {"title": {"text": w["score"]}},
                "xgap": 2,
                "ygap": 2,
            }
        ],
        "layout": _layout(
            height=140 + 46 * len(partners),
            yaxis={"autorange": "reversed", "automargin": True, "dtick": 1},
            # Short lines in a smaller type: seven titles side by side must not run together.
            xaxis={"side": "top", "automargin": True, "tickangle": 0, "tickfont": {"size": 12}},
            margin={"l": 20, "r": 20, "t": 90, "b": 20},
        ),
    }


def spread_figure(report: ScoreReport) -> dict[str, Any]:
    """Each partner's score per dimension as a dot, and the partnership mean as a diamond."""
    language = report["language"]
    w = words(language)
    dims = report["dimensions"]
    xs, ys, names = [], [], []
    for p in report["partners"]:
        for d in dims:
            score = p["scores"][d["id"]]
            if score is not None:
                xs.append(score)
                ys.append(_label(d["title"], 28))
                names.append(_escape_template(p["partner"]))
    means = [report["partnership"]["scores"][d["id"]] for d in dims]
    return {
        "data": [
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "markers",
                "name": w["partners"],
                "text": names,
                "marker": {"color": PALETTE[0], "size": 10, "opacity": 0.75, "symbol": "circle"},
                "hovertemplate": "%{text}: %{x:.2f}<extra></extra>",
            },
            {
                "type": "scatter",
                "x": means,
                "y": [_label(d["title"], 28) for d in dims],
                "mode": "markers",
                "name": w["mean"],
                "marker": {"color": PARTNERSHIP_COLOUR, "size": 14, "symbol": "diamond"},
                "hovertemplate": "%{y}: %{x:.2f}<extra></extra>",
            },
        ],
        "layout": _layout(
            height=80 + 44 * len(dims),
            xaxis={"range": [0.8, 5.2], "dtick": 1, "title": {"text": w["score"]}},
            yaxis={"autorange": "reversed", "automargin": True},
            shapes=[
                {
                    "type": "line",
                    "x0": v,
                    "x1": v,
                    "y0": 0,
                    "y1": 1,
                    "yref": "paper",
                    "line": {"color": RING_COLOUR, "dash": "dot", "width": 1},
                }
                for v in (report["bands"]["borderline"], report["bands"]["strength"])
            ],
        ),
    }


def na_figure(report: ScoreReport) -> dict[str, Any]:
    """The share of "don't know" answers, partner × dimension, in percent."""
    language = report["language"]
    w = words(language)
    dims = report["dimensions"]
    rows = [
        (w["partnership"], report["partnership"]["na_share"]),
        *((p["partner"], p["na_share"]) for p in report["partners"]),
    ]
    z = [[None if (v := s[d["id"]]) is None else round(100 * v) for d in dims] for _, s in rows]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": [_label(d["title"], 13) for d in dims],
                "y": [_escape_template(name) for name, _ in rows],
                "text": [["—" if v is None else f"{v}%" for v in row] for row in z],
                "texttemplate": "%{text}",
                "hovertemplate": "%{y} · %{x}: %{z}%<extra></extra>",
                "zmin": 0,
                "zmax": 50,
                "colorscale": "Greys",
                "reversescale": True,  # none is white; more "don't know" is darker
                "colorbar": {"title": {"text": w["na"] + " %"}},
                "xgap": 2,
                "ygap": 2,
            }
        ],
        "layout": _layout(
            height=140 + 40 * len(rows),
            yaxis={"autorange": "reversed", "automargin": True, "dtick": 1},
            # Short lines in a smaller type: seven titles side by side must not run together.
            xaxis={"side": "top", "automargin": True, "tickangle": 0, "tickfont": {"size": 12}},
            margin={"l": 20, "r": 20, "t": 90, "b": 20},
        ),
    }


def progress_figure(progress: list[dict[str, Any]], language: str) -> dict[str, Any]:
    """Per partner: submitted, started but not submitted, invited but not started."""
    w = words(language)
    names = [_escape_template(row["partner"]) for row in progress]
    submitted = [row["submitted"] for row in progress]
    started = [row["started"] - row["submitted"] for row in progress]
    waiting = [max(0, (row["invited"] or 0) - row["started"]) for row in progress]
    bars = [
        (w["submitted"], submitted, PALETTE[2], ""),
        (w["started"], started, PALETTE[1], "/"),
        (w["not_started"], waiting, "#e5e5e5", "."),
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "x": values,
                "y": names,
                "marker": {"color": colour, "pattern": {"shape": pattern}},
                "hovertemplate": "%{y}: %{x}<extra>" + _escape_template(name) + "</extra>",
            }
            for name, values, colour, pattern in bars
        ],
        "layout": _layout(
            barmode="stack",
            height=max(220, 80 + 30 * len(progress)),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"dtick": 1 if max([*submitted, *started, *waiting, 1]) < 15 else None},
        ),
    }


def items_figure(report: ScoreReport, dimension: str) -> dict[str, Any]:
    """Answers to each item of one dimension, stacked, with "don't know" in grey."""
    language = report["language"]
    w = words(language)
    items = [i for i in report["items"] if i["dimension"] == dimension]
    # Long statements wrap onto lines instead of being cut: the words at the end of a
    # statement ("... in the last year") are often what it is about.
    labels = [_label(i["text"], ITEM_LABEL_WIDTH) + (" ↺" if i["reverse"] else "") for i in items]
    lines = sum(label.count("<br>") + 1 for label in labels)
    traces = []
    n_options = max((len(i["options"]) for i in items), default=0)
    for k in range(n_options):
        first = next(i for i in items if len(i["options"]) > k)
        colour = SCALE_COLOURS[min(k, len(SCALE_COLOURS) - 1)] if n_options == 5 else PALETTE[k % 7]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": _escape_template(first["options"][k]["label"]),
                "x": [i["options"][k]["count"] if len(i["options"]) > k else 0 for i in items],
                "y": labels,
                "marker": {"color": colour},
                "hovertemplate": "%{x}<extra>%{fullData.name}</extra>",
            }
        )
    traces.append(
        {
            "type": "bar",
            "orientation": "h",
            "name": w["na"],
            "x": [i["na"] for i in items],
            "y": labels,
            "marker": {"color": NA_COLOUR, "pattern": {"shape": "x"}},
            "hovertemplate": "%{x}<extra>%{fullData.name}</extra>",
        }
    )
    return {
        "data": traces,
        "layout": _layout(
            barmode="stack",
            height=120 + 30 * len(items) + 18 * lines,
            yaxis={"autorange": "reversed", "automargin": True},
            legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
        ),
    }


def slope_figure(
    before: ScoreReport, after: ScoreReport, before_name: str, after_name: str
) -> dict[str, Any]:
    """The partnership's score per dimension in two rounds, one line per dimension."""
    language = after["language"]
    dims = after["dimensions"]
    traces = []
    ends: list[tuple[int, int, float, str]] = []  # (side, dimension, value, text) per label
    for i, d in enumerate(dims):
        a = before["partnership"]["scores"].get(d["id"])
        b = after["partnership"]["scores"].get(d["id"])
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [_escape_template(before_name), _escape_template(after_name)],
                "y": [a, b],
                "name": _escape_template(d["title"]),
                "line": {"color": PALETTE[i % 7], "dash": DASHES[i % len(DASHES)], "width": 2.5},
                "hovertemplate": "%{x}: %{y:.2f}<extra>"
                + _escape_template(d["title"])
                + "</extra>",
            }
        )
        for side, value in ((0, a), (1, b)):
            if value is not None:
                ends.append((side, i, value, format_score(value, language)))
    # End labels as annotations, placed apart so that close scores never print over each other.
    annotations = []
    names = [_escape_template(before_name), _escape_template(after_name)]
    for side in (0, 1):
        labels = [e for e in ends if e[0] == side]
        ys = spread_labels([e[2] for e in labels], SLOPE_LABEL_GAP, 1.0, 5.0)
        for (_, i, _value, text), y in zip(labels, ys, strict=True):
            annotations.append(
                {
                    "x": names[side],
                    "y": y,
                    "text": text,
                    "showarrow": False,
                    "xanchor": "right" if side == 0 else "left",
                    "xshift": -12 if side == 0 else 12,
                    "font": {"color": PALETTE[i % 7], "size": 13},
                }
            )
    return {
        "data": traces,
        "layout": _layout(
            height=480,
            yaxis={"range": [1, 5], "dtick": 1, "title": {"text": words(language)["score"]}},
            xaxis={"type": "category"},
            margin={"l": 60, "r": 60, "t": 30, "b": 40},
            annotations=annotations,
        ),
    }


def trend_figure(reports: list[tuple[str, ScoreReport]]) -> dict[str, Any]:
    """The partnership's score per dimension across rounds, oldest first."""
    if not reports:
        return {"data": [], "layout": _layout()}
    language = reports[-1][1]["language"]
    dims = reports[-1][1]["dimensions"]
    names = [_escape_template(name) for name, _ in reports]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": names,
                "y": [r["partnership"]["scores"].get(d["id"]) for _, r in reports],
                "name": _escape_template(d["title"]),
                "line": {"color": PALETTE[i % 7], "dash": DASHES[i % len(DASHES)], "width": 2.5},
                "connectgaps": False,
                "hovertemplate": "%{x}: %{y:.2f}<extra>"
                + _escape_template(d["title"])
                + "</extra>",
            }
            for i, d in enumerate(dims)
        ],
        "layout": _layout(
            height=420,
            yaxis={"range": [1, 5], "dtick": 1, "title": {"text": words(language)["score"]}},
            xaxis={"type": "category"},
        ),
    }


# -- symposium cohort ---------------------------------------------------------------------

COHORT_WORDS = {
    "en": {"cohort": "Cohort average"},
    "fr": {"cohort": "Moyenne de la cohorte"},
}
COHORT_COLOUR = PALETTE[1]


def cohort_radar_spec(
    report: ScoreReport, cohort: dict[str, float | None], name: str | None = None
) -> RadarSpec:
    """One partnership against the mean of a symposium cohort: two series, and no other
    partnership's name anywhere (``cohort`` is the mean per dimension id)."""
    language = report["language"]
    w = words(language)
    dims = [d["id"] for d in report["dimensions"]]
    series = (
        Series(
            name or w["partnership"],
            tuple(report["partnership"]["scores"][d] for d in dims),
            PARTNERSHIP_COLOUR,
            "solid",
            3.5,
        ),
        Series(
            COHORT_WORDS.get(language, COHORT_WORDS["en"])["cohort"],
            tuple(cohort.get(d) for d in dims),
            COHORT_COLOUR,
            "dash",
            2.5,
        ),
    )
    bands = report["bands"]
    rings = ((bands["borderline"], w["borderline"]), (bands["strength"], w["strength"]))
    return RadarSpec(
        tuple(d["title"] for d in report["dimensions"]), series, rings, language=language
    )
