"""The second renderer of the chart model: a RadarSpec as vector SVG, for printed reports.

The dashboard draws the same RadarSpec with Plotly (``reports.charts.radar_figure``); this one
needs no browser, so a PDF is made without one. It follows Plotly's geometry (the first axis at
the top, then clockwise; the centre is the scale minimum), its dash patterns and the spec's
colours, and puts a legend under the chart because paper has no hover.

Two outputs share one layout (``radar_layout``): ``radar_svg`` is a standalone SVG with its
labels as ``<text>``; ``radar_html`` is the same SVG without text, with the labels as HTML
positioned over it. PDFs use the second because WeasyPrint lays out SVG text one letter at a
time (a Pango layout per character): twenty charts' labels took longer than the rest of the
report. HTML text is laid out per line, extracts as words, and joins the PDF's tag tree.

Every text (dimension titles, partner names) comes from people: it is XML-escaped and only
ever placed in text nodes. No Flask here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from reports.charts import RING_COLOUR, RadarSpec, Series
from survey.core.wording import format_number, format_score

GRID_COLOUR = "#d0d0d0"
TEXT_COLOUR = "#1b1f24"
AXIS_SIZE = 11.0
TICK_SIZE = 9.0
LEGEND_SIZE = 10.5
LABEL_CHARS = 18  # characters per line of an axis label (DejaVu Sans at 11 units: ~120 units)
LEGEND_CHARS = 34
LINE_HEIGHT = 1.2
# DejaVu Sans's ascent and ascent + descent, in em: where HTML puts a baseline in a line box.
ASCENT, CONTENT_HEIGHT = 0.928, 1.164


def dash_array(dash: str, width: float) -> str:
    """Plotly's dash patterns (``Drawing.dashStyle``), scaled by the line width as it does."""
    unit = max(width, 3.0)
    pattern = {
        "solid": (),
        "dot": (1, 1),
        "dash": (3, 3),
        "longdash": (5, 5),
        "dashdot": (3, 1, 1, 1),
        "longdashdot": (5, 2, 1, 2),
    }.get(dash, ())
    return " ".join(_n(k * unit) for k in pattern)


def _n(value: float) -> str:
    """A coordinate, short: WeasyPrint parses it again, and fewer digits is less work."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Words onto lines of at most ``width`` characters; an overlong last line gets an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


def _stroke(colour: str, width: float, dash: str) -> str:
    dashes = dash_array(dash, width)
    extra = f' stroke-dasharray="{dashes}"' if dashes else ""
    return f'fill="none" stroke="{colour}" stroke-width="{_n(width)}"{extra}'


@dataclass(frozen=True)
class Label:
    """Text at (x, y): y is the first line's baseline; anchor as SVG's text-anchor.

    Lines are ``leading`` apart (default 1.2 em); ticks and legend columns are one label of
    several lines, which is one box for WeasyPrint to lay out instead of one per line.
    """

    x: float
    y: float
    lines: tuple[str, ...]
    size: float
    anchor: str = "start"
    kind: str = "axis"
    leading: float = 0.0

    @property
    def line_height(self) -> float:
        return self.leading or self.size * LINE_HEIGHT


@dataclass(frozen=True)
class RadarLayout:
    width: float
    height: float
    shapes: tuple[str, ...]  # SVG elements, no text
    labels: tuple[Label, ...]
    alt: str


_ALT = {
    "en": "Radar chart of scores by dimension ({minimum} to {maximum}).",
    "fr": "Graphique en radar des scores par dimension (de {minimum} à {maximum}).",
}


def alt_text(spec: RadarSpec, series: Sequence[Series]) -> str:
    """What the chart shows, in words: the SVG's <title>, which becomes the PDF figure's Alt."""
    parts = []
    for s in series:
        values = ", ".join(
            f"{axis} {format_score(v, spec.language)}"
            for axis, v in zip(spec.axes, s.values, strict=True)
        )
        parts.append(f"{s.name}: {values}")
    intro = _ALT.get(spec.language, _ALT["en"])
    return intro.format(minimum=_n(spec.minimum), maximum=_n(spec.maximum)) + " " + "; ".join(parts)


def radar_layout(
    spec: RadarSpec, *, include_hidden: bool = False, radius: float = 150.0
) -> RadarLayout:
    """Where everything goes: grid, band rings, one line per series, labels, a legend.

    Series that start hidden on the dashboard (``visible=False``) are left out unless
    ``include_hidden``: paper cannot toggle them, and twenty lines would make a knot.
    """
    series = [s for s in spec.series if s.visible or include_hidden]
    n = len(spec.axes)
    label_room = 130.0
    width = 2 * (radius + label_room)
    cx = width / 2
    cy = radius + 58.0
    span = spec.maximum - spec.minimum or 1.0

    def angle_of(axis: int) -> float:
        return -math.pi / 2 + 2 * math.pi * axis / max(n, 1)  # first axis up, then clockwise

    def point(axis: int, value: float) -> tuple[float, float]:
        r = radius * (value - spec.minimum) / span
        return cx + r * math.cos(angle_of(axis)), cy + r * math.sin(angle_of(axis))

    shapes: list[str] = []
    labels: list[Label] = []
    # Grid: a circle per whole scale value and a spoke per axis, as Plotly's polar grid.
    for value in range(math.ceil(spec.minimum) + 1, math.floor(spec.maximum) + 1):
        r = radius * (value - spec.minimum) / span
        shapes.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="none" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.8"/>'
        )
    if n:
        spokes = "".join(
            f"M{_n(cx)} {_n(cy)}L{_n(x)} {_n(y)}"
            for x, y in (point(i, spec.maximum) for i in range(n))
        )
        shapes.append(f'<path d="{spokes}" stroke="{GRID_COLOUR}" stroke-width="0.8"/>')
    ticks = list(range(math.floor(spec.maximum), math.ceil(spec.minimum) - 1, -1))
    if ticks:
        x, y = point(0, ticks[0])
        step = radius / span
        labels.append(
            Label(x + 4, y + 11, tuple(map(str, ticks)), TICK_SIZE, "start", "tick", step)
        )

    # Band rings: straight between axes, as Plotly draws a scatterpolar line.
    for ring, _label in spec.rings:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in (point(i, ring) for i in range(n)))
        shapes.append(f'<polygon points="{points}" {_stroke(RING_COLOUR, 1.2, "dot")}/>')

    # Series, the first (the partnership) drawn last so that it stays on top.
    for s in reversed(series):
        shapes.append(_series_path(s, point, n))

    # Axis labels, outside the outer circle, anchored away from the chart.
    height = AXIS_SIZE * LINE_HEIGHT
    for i, axis in enumerate(spec.axes):
        cos, sin = math.cos(angle_of(i)), math.sin(angle_of(i))
        x, y = cx + (radius + 10) * cos, cy + (radius + 10) * sin
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lines = wrap(axis, LABEL_CHARS)
        if sin < -0.2:  # above the centre: the last line sits on the point
            first = y - height * (len(lines) - 1) - 2
        elif sin > 0.2:  # below: the first line hangs from it
            first = y + AXIS_SIZE
        else:
            first = y + AXIS_SIZE * 0.35 - height * (len(lines) - 1) / 2
        labels.append(Label(x, first, tuple(lines), AXIS_SIZE, anchor, "axis"))

    # Legend: the series, then the band rings, in two columns under the chart.
    legend_top = cy + radius + 58.0
    entries = [(s.name, s.colour, s.width, s.dash) for s in series]
    entries += [
        (f"{label} ({format_number(value, spec.language)})", RING_COLOUR, 1.2, "dot")
        for value, label in spec.rings
    ]
    row_height = 17.0
    for column in (0, 1):
        x = 20 + column * width / 2
        names = []
        for k, (name, colour, line_width, dash) in enumerate(entries[column::2]):
            y = legend_top + k * row_height
            shapes.append(
                f'<path d="M{_n(x)} {_n(y - 4)}h34" {_stroke(colour, line_width, dash)}/>'
            )
            names.append(wrap(name, LEGEND_CHARS, max_lines=1)[0])
        if names:
            labels.append(
                Label(x + 42, legend_top, tuple(names), LEGEND_SIZE, "start", "legend", row_height)
            )
    total_height = legend_top + math.ceil(len(entries) / 2) * row_height + 4
    return RadarLayout(
        width, total_height, tuple(shapes), tuple(labels), spec.title or alt_text(spec, series)
    )


def _series_path(s: Series, at: Callable[[int, float], tuple[float, float]], n: int) -> str:
    """One series: its line broken at missing values (Plotly's connectgaps=False), and markers."""
    values = list(s.values)
    commands: list[str] = []
    markers: list[str] = []
    circle = _circle(3.2 if s.width >= 3 else 2.4)
    for i, value in enumerate(values):
        if value is None:
            continue
        x, y = at(i, value)
        previous = values[i - 1] if i > 0 else None
        commands.append(("L" if previous is not None else "M") + f"{_n(x)} {_n(y)}")
        markers.append(f"M{_n(x)} {_n(y)}{circle}")
    if n > 2 and all(v is not None for v in values):
        commands.append("Z")
    elif n > 1 and values[0] is not None and values[-1] is not None:
        x, y = at(0, values[0])
        commands.append(f"L{_n(x)} {_n(y)}")
    if not commands:
        return ""
    return (
        f'<path d="{"".join(commands)}" {_stroke(s.colour, s.width, s.dash)} '
        f'stroke-linejoin="round"/><path d="{"".join(markers)}" fill="{s.colour}"/>'
    )


def _circle(r: float) -> str:
    return f"m-{_n(r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 -{_n(2 * r)} 0"


def _svg_open(layout: RadarLayout, extra: str = "") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {_n(layout.width)} {_n(layout.height)}"{extra}>'
        f"<title>{escape(layout.alt)}</title>"
    )


def radar_svg(spec: RadarSpec, *, include_hidden: bool = False) -> str:
    """The radar as a standalone ``<svg>`` element, labels included as ``<text>``."""
    layout = radar_layout(spec, include_hidden=include_hidden)
    texts = []
    for label in layout.labels:
        height = label.line_height
        spans = "".join(
            f'<tspan x="{_n(label.x)}" y="{_n(label.y + k * height)}">{escape(line)}</tspan>'
            for k, line in enumerate(label.lines)
        )
        texts.append(
            f'<text text-anchor="{label.anchor}" font-size="{_n(label.size)}">{spans}</text>'
        )
    size = f' width="{_n(layout.width)}" height="{_n(layout.height)}"'
    return (
        _svg_open(layout, size + f' font-family="DejaVu Sans, sans-serif" fill="{TEXT_COLOUR}"')
        + "".join(layout.shapes)
        + "".join(texts)
        + "</svg>"
    )


def _label_width(label: Label) -> float:
    """A box wide enough for the label's longest line (DejaVu Sans: under 0.62 em a character)."""
    return max(len(line) for line in label.lines) * label.size * 0.62 + 2


def radar_html(spec: RadarSpec, *, width_mm: float, include_hidden: bool = False) -> str:
    """The radar for a PDF: a box ``width_mm`` wide holding the SVG shapes and, over them, the
    labels as HTML (see the module's docstring for why)."""
    layout = radar_layout(spec, include_hidden=include_hidden)
    k = width_mm / layout.width  # millimetres per SVG unit
    height_mm = layout.height * k
    spans = []
    for label in layout.labels:
        baseline = (label.line_height - CONTENT_HEIGHT * label.size) / 2 + ASCENT * label.size
        top = (label.y - baseline) * k
        # Every label box gets a width: a shrink-to-fit absolute box costs WeasyPrint a
        # preferred-width layout of its own.
        box = _label_width(label) * k
        if label.anchor == "end":
            left, align = label.x * k - box, "right"
        elif label.anchor == "middle":
            left, align = label.x * k - box / 2, "center"
        else:
            left, align = label.x * k, "left"
        where = f"left:{_n(left)}mm;width:{_n(box)}mm;text-align:{align}"
        text = "<br>".join(escape(line) for line in label.lines)
        spans.append(
            f'<span class="radar-{label.kind}" style="{where};top:{_n(top)}mm;'
            f'font-size:{_n(label.size * k)}mm;line-height:{_n(label.line_height * k)}mm">'
            f"{text}</span>"
        )
    return (
        f'<div class="radar" style="width:{_n(width_mm)}mm;height:{_n(height_mm)}mm">'
        + _svg_open(layout, f' width="{_n(width_mm)}mm" height="{_n(height_mm)}mm"')
        + "".join(layout.shapes)
        + "</svg>"
        + "".join(spans)
        + "</div>"
    )
