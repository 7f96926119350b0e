"""The chart model: figures built from a known score report carry the expected traces and
values, escape what people typed, and stay readable without colour."""

from __future__ import annotations

import itertools
import json

import pytest

from reports import charts
from survey.core.questionnaire import parse_questionnaire
from survey.core.scoring import PartnerInfo, answer_set, score
from tests.core.helpers import FIXTURES

PARTNERS = [
    PartnerInfo("Police", "police", True, "collaboration", 2),
    PartnerInfo("Health", "health", False, "collaboration", 2),
    PartnerInfo("Youth <b>Hub</b> 100%", "youth", False, "coordination", 1),
]


@pytest.fixture(scope="module")
def report():
    q = parse_questionnaire((FIXTURES / "tiny.yaml").read_text(), "tiny.yaml")
    rows = [
        # t1, t2 (reversed: 6 - v), p1 -> trust = mean(t1, 6 - t2), power = p1
        ("a", "Police", {"t1": 5, "t2": 1, "p1": 5, "works": "Meets =often"}),  # trust 5
        ("b", "Police", {"t1": 4, "t2": 2, "p1": 4}),  # trust 4
        ("c", "Health", {"t1": 2, "t2": 4, "p1": 2}),  # trust 2
        ("d", "Youth <b>Hub</b> 100%", {"t1": 3, "t2": "na", "p1": "na"}),  # trust 3, power -
    ]
    return score(q, PARTNERS, answer_set(q, PARTNERS, rows))


def test_radar_has_the_partnership_each_partner_and_the_band_rings(report):
    figure = charts.radar_figure(charts.radar_spec(report))
    names = [t["name"] for t in figure["data"]]
    assert names[:2] == ["Borderline (3.00)", "Strength (4.00)"]
    assert names[2] == "Partnership"
    assert names[3:5] == ["Police", "Health"]
    partnership = figure["data"][2]
    # The loop is closed: first value repeated. Trust = mean(4.5, 2, 3) = 3.1667;
    # power = mean(4.5, 2) = 3.25 (the youth hub answered na).
    assert partnership["theta"] == ["Trust", "Power balance", "Trust"]
    assert partnership["r"] == pytest.approx([19 / 6, 3.25, 19 / 6])
    assert figure["data"][3]["r"] == pytest.approx([4.5, 4.5, 4.5])
    assert figure["data"][0]["r"] == [3.0, 3.0, 3.0]
    assert figure["data"][1]["r"] == [4.0, 4.0, 4.0]


def test_series_differ_by_dash_as_well_as_colour_so_greyscale_still_reads(report):
    spec = charts.radar_spec(report)
    styles = [(s.colour, s.dash, s.width) for s in spec.series]
    assert len(set(styles)) == len(styles)
    assert len({s.dash for s in spec.series[1:]}) == len(spec.series) - 1


def test_many_partners_start_hidden_except_the_lead(report):
    spec = charts.radar_spec(report, visible_partners=1)
    visible = {s.name: s.visible for s in spec.series}
    assert visible == {
        "Partnership": True,
        "Police": True,
        "Health": False,
        "Youth <b>Hub</b> 100%": False,
    }
    figure = charts.radar_figure(spec)
    assert figure["data"][4]["visible"] == "legendonly"


def test_a_partner_copy_shows_only_that_partner(report):
    spec = charts.radar_spec(report, partners=["Health"])
    assert [s.name for s in spec.series] == ["Partnership", "Health"]


def test_names_typed_by_people_are_never_read_as_markup_or_templates(report):
    figure = charts.radar_figure(charts.radar_spec(report))
    youth = figure["data"][5]
    assert youth["name"] == "Youth &lt;b&gt;Hub&lt;/b&gt; 100%%"
    assert "<b>" not in json.dumps(charts.heatmap_figure(report))
    assert "<b>" not in json.dumps(charts.spread_figure(report))


def test_heatmap_cells_hold_score_and_respondents(report):
    figure = charts.heatmap_figure(report)
    trace = figure["data"][0]
    assert trace["z"][0] == pytest.approx([4.5, 4.5])
    assert trace["z"][2] == [3.0, None]
    assert trace["text"][0][0] == "4.50<br>n=2"
    assert trace["text"][2][1] == "—<br>n=1"
    assert (trace["zmin"], trace["zmax"]) == (1, 5)


def test_spread_plots_each_scored_partner_and_the_mean(report):
    dots, means = charts.spread_figure(report)["data"]
    # Trust: three partners scored; power balance: two (the hub answered na).
    assert sorted(dots["x"]) == pytest.approx(sorted([4.5, 2.0, 3.0, 4.5, 2.0]))
    assert means["x"] == pytest.approx([19 / 6, 3.25])


def test_dont_know_share_in_percent(report):
    trace = charts.na_figure(report)["data"][0]
    # Partnership: trust 1 na of 8 answers given; power 1 of 4.
    assert trace["z"][0] == [12, 25]
    assert trace["z"][3] == [50, 100]  # the hub: 1 of 2 trust answers, its only power answer
    assert trace["text"][0] == ["12%", "25%"]


def test_item_bars_count_each_option_and_dont_know(report):
    traces = charts.items_figure(report, "trust")["data"]
    assert [t["name"] for t in traces][-1] == "Don't know"
    strongly_agree = traces[4]
    assert strongly_agree["x"] == [1, 0]  # t1: one 5; t2: none
    assert traces[-1]["x"] == [0, 1]  # t2 has the hub's na
    assert traces[0]["y"][1].endswith("↺")  # t2 is reverse-keyed


def test_progress_bars_split_submitted_started_and_waiting():
    rows = [
        {"partner": "Police", "started": 3, "submitted": 2, "invited": 5},
        {"partner": "Health", "started": 0, "submitted": 0, "invited": None},
    ]
    submitted, started, waiting = charts.progress_figure(rows, "en")["data"]
    assert submitted["x"] == [2, 0]
    assert started["x"] == [1, 0]
    assert waiting["x"] == [2, 0]


def test_slope_and_trend_use_partnership_scores(report):
    slope = charts.slope_figure(report, report, "Autumn", "Spring")
    assert slope["data"][0]["y"] == pytest.approx([19 / 6, 19 / 6])
    assert slope["data"][0]["x"] == ["Autumn", "Spring"]
    trend = charts.trend_figure([("A", report), ("B", report), ("C", report)])
    assert trend["data"][1]["y"] == pytest.approx([3.25, 3.25, 3.25])


def test_french_words_in_french_reports(report):
    french = dict(report, language="fr")
    names = [t["name"] for t in charts.radar_figure(charts.radar_spec(french))["data"]]
    assert names[:3] == ["Zone limite (3,00)", "Force (4,00)", "Partenariat"]


def test_figures_are_plain_json(report):
    for figure in (
        charts.radar_figure(charts.radar_spec(report)),
        charts.heatmap_figure(report),
        charts.spread_figure(report),
        charts.na_figure(report),
        charts.items_figure(report, "power_balance"),
    ):
        assert json.loads(json.dumps(figure)) == figure


# -- labels that read (issue 14 §5) ---------------------------------------------------------


def test_spread_labels_keep_apart_close_to_their_values_and_within_bounds():
    ys = charts.spread_labels([3.0, 3.05, 3.02, 4.5, 4.98, 5.0], 0.2, 1.0, 5.0)
    ordered = sorted(ys)
    assert all(b - a >= 0.2 - 1e-9 for a, b in itertools.pairwise(ordered))
    assert all(1.0 <= y <= 5.0 for y in ys)
    assert charts.spread_labels([2.0, 4.0], 0.2, 1.0, 5.0) == [2.0, 4.0]  # far apart: untouched


def test_slope_end_labels_never_overlap(report):
    close = {**report, "partnership": {**report["partnership"]}}
    dims = [d["id"] for d in report["dimensions"]]
    close["partnership"]["scores"] = {d: 3.0 + 0.01 * k for k, d in enumerate(dims)}
    slope = charts.slope_figure(close, close, "Autumn", "Spring")
    for side in ("Autumn", "Spring"):
        ys = sorted(a["y"] for a in slope["layout"]["annotations"] if a["x"] == side)
        assert len(ys) == len(dims)
        assert all(b - a >= charts.SLOPE_LABEL_GAP - 1e-9 for a, b in itertools.pairwise(ys))
    assert all(trace["mode"] == "lines+markers" for trace in slope["data"])


def test_long_question_labels_wrap_instead_of_being_cut(report):
    long_text = "We can " + "very " * 20 + "openly disagree in the last year"
    items = [dict(report["items"][0], text=long_text)]
    figure = charts.items_figure({**report, "items": items}, items[0]["dimension"])
    label = figure["data"][0]["y"][0]
    assert "…" not in label and "in the last year" in label.replace("<br>", " ")
    assert all(len(line) <= charts.ITEM_LABEL_WIDTH for line in label.split("<br>"))


def test_heatmap_column_labels_are_short_lines(report):
    figure = charts.heatmap_figure(report)
    for label in figure["data"][0]["x"]:
        words = label.split("<br>")
        assert all(len(line) <= charts.HEATMAP_LABEL_WIDTH or " " not in line for line in words)
