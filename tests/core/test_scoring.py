"""Scoring, checked against numbers worked out by hand (the arithmetic is beside each assert).

The instrument used throughout (``SC``) has three dimensions on a 1-5 scale with a "don't
know" option: trust (items trust_1..trust_4, trust_4 reverse-keyed), goals (goals_1..goals_5,
goals_5 reverse-keyed) and power_balance (power_balance_1, power_balance_2).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from reports.text import render_text
from survey.core.scoring import band, respondent_scores
from tests.core.helpers import answers_of, instrument, many, partner, partner_row, run

SC = instrument({"trust": 4, "goals": 5, "power_balance": 2}, reverse={"trust_4", "goals_5"})
NA = "na"


def pb(value: int, other: int | None = None) -> dict[str, object]:
    """Answers to both power_balance items (the second defaults to the first)."""
    return {"power_balance_1": value, "power_balance_2": value if other is None else other}


# ---------------------------------------------------------------------------------------------
# A respondent's score


def test_reverse_keying() -> None:
    partners = [partner("A")]
    answers = {"trust_1": 5, "trust_2": 4, "trust_3": 4, "trust_4": 2}
    report = run(SC, partners, [("A", answers)])
    # trust_4 is reversed: 1 + 5 - 2 = 4, so (5 + 4 + 4 + 4) / 4 = 17 / 4 = 4.25
    assert report["partnership"]["scores"]["trust"] == 4.25
    assert partner_row(report, "A")["scores"]["trust"] == 4.25


@pytest.mark.parametrize(("raw", "keyed"), [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)])
def test_reverse_keying_maps_each_value(raw: int, keyed: int) -> None:
    report = run(SC, [partner("A")], [("A", {"trust_1": 3, "trust_4": raw})])
    # two of four items answered: (3 + (1 + 5 - raw)) / 2
    assert report["partnership"]["scores"]["trust"] == (3 + keyed) / 2


def test_na_and_blank_are_not_answers() -> None:
    answers = {"trust_1": 4, "trust_2": NA, "trust_3": 2, "trust_4": None}
    report = run(SC, [partner("A")], [("A", answers)])
    # answered: trust_1 = 4 and trust_3 = 2 -> (4 + 2) / 2 = 3.0
    # (counting na as 0 would give 6 / 3 = 2.0; counting every item 6 / 4 = 1.5)
    assert report["partnership"]["scores"]["trust"] == 3.0


def test_half_the_items_rule_with_an_even_count() -> None:
    rows = [
        ("A", {"trust_1": 5, "trust_2": 3}),  # 2 of 4 answered: 2 * 2 >= 4 -> (5 + 3) / 2 = 4.0
        ("A", {"trust_1": 5, "trust_2": NA, "trust_3": NA, "trust_4": NA}),  # 1 of 4 -> null
    ]
    scores = respondent_scores(SC, answers_of(SC, [partner("A")], rows))["trust"]
    assert scores[0] == 4.0
    assert math.isnan(scores[1])


def test_half_the_items_rule_with_an_odd_count() -> None:
    rows = [
        ("A", {"goals_1": 2, "goals_2": 3, "goals_3": 4}),  # 3 of 5: (2 + 3 + 4) / 3 = 3.0
        ("A", {"goals_1": 5, "goals_2": 5, "goals_3": NA, "goals_4": NA}),  # 2 of 5: 4 < 5 -> null
    ]
    scores = respondent_scores(SC, answers_of(SC, [partner("A")], rows))["goals"]
    assert scores[0] == 3.0
    assert math.isnan(scores[1])


def test_null_respondents_do_not_count_in_their_partner_mean() -> None:
    rows = [
        ("A", {"trust_1": 4, "trust_2": 4, "trust_3": 4, "trust_4": 2}),  # (4+4+4+(6-2))/4 = 4.0
        ("A", {"trust_1": 1}),  # 1 of 4 answered -> null, left out
    ]
    report = run(SC, [partner("A")], rows)
    # partner A = 4.0 (not (4.0 + 1.0) / 2 = 2.5)
    assert partner_row(report, "A")["scores"]["trust"] == 4.0
    assert partner_row(report, "A")["respondents"] == 2


def test_partner_whose_respondents_are_all_null_has_no_score() -> None:
    rows = [("A", pb(4)), ("B", {"power_balance_1": NA, "trust_1": 3, "trust_2": 3})]
    report = run(SC, [partner("A"), partner("B")], rows)
    # B answered 0 of 2 power_balance items -> null; the partnership is A's 4.0 alone
    assert partner_row(report, "B")["scores"]["power_balance"] is None
    assert partner_row(report, "B")["bands"]["power_balance"] is None
    assert report["partnership"]["scores"]["power_balance"] == 4.0
    assert report["spread"]["power_balance"]["partners"] == 1


# ---------------------------------------------------------------------------------------------
# Partners and the partnership


def test_one_voice_per_partner() -> None:
    partners = [partner("Big"), partner("Small")]
    rows = many("Big", 10, **pb(5)) + many("Small", 1, **pb(1))
    report = run(SC, partners, rows)
    # Big = 5.0 (ten respondents), Small = 1.0 (one respondent)
    assert partner_row(report, "Big")["scores"]["power_balance"] == 5.0
    assert partner_row(report, "Small")["scores"]["power_balance"] == 1.0
    # partnership = (5.0 + 1.0) / 2 = 3.0, not (10 * 5 + 1) / 11 = 4.545...
    assert report["partnership"]["scores"]["power_balance"] == 3.0
    assert report["partnership"]["respondents"] == 11


def test_partner_mean_of_respondents() -> None:
    rows = [("A", pb(5)), ("A", pb(4)), ("A", pb(2, 3))]
    report = run(SC, [partner("A")], rows)
    # respondents: 5.0, 4.0, (2 + 3) / 2 = 2.5 -> A = (5 + 4 + 2.5) / 3 = 11.5 / 3 = 3.8333...
    assert partner_row(report, "A")["scores"]["power_balance"] == pytest.approx(11.5 / 3)


# ---------------------------------------------------------------------------------------------
# Bands


def test_bands_at_the_exact_cut_offs() -> None:
    partners = [partner("A"), partner("B"), partner("C")]
    rows = [
        ("A", pb(4)),  # A = 4.0
        ("B", pb(3)),  # B = 3.0
        *many("C", 999, **pb(3)),  # C = (999 * 3 + 1 * 2) / 1000 = 2999 / 1000 = 2.999
        ("C", pb(2)),
    ]
    report = run(SC, partners, rows)
    row = {name: partner_row(report, name) for name in "ABC"}
    assert row["A"]["scores"]["power_balance"] == 4.0
    assert row["A"]["bands"]["power_balance"] == "strength"  # 4.0 >= 4.0
    assert row["B"]["scores"]["power_balance"] == 3.0
    assert row["B"]["bands"]["power_balance"] == "borderline"  # 3.0 >= 3.0, < 4.0
    assert row["C"]["scores"]["power_balance"] == pytest.approx(2.999)
    assert row["C"]["bands"]["power_balance"] == "concern"  # 2.999 < 3.0
    # partnership = (4.0 + 3.0 + 2.999) / 3 = 9.999 / 3 = 3.333 -> borderline
    assert report["partnership"]["scores"]["power_balance"] == pytest.approx(3.333)
    assert report["partnership"]["bands"]["power_balance"] == "borderline"


def test_band_function_at_and_around_the_cut_offs() -> None:
    assert band(5.0, 4.0, 3.0) == "strength"
    assert band(4.0, 4.0, 3.0) == "strength"
    assert band(3.999, 4.0, 3.0) == "borderline"
    assert band(3.0, 4.0, 3.0) == "borderline"
    assert band(2.999, 4.0, 3.0) == "concern"
    assert band(1.0, 4.0, 3.0) == "concern"
    assert band(None, 4.0, 3.0) is None
    # cut-offs are parameters (the instrument's bands:)
    assert band(4.2, 4.5, 3.5) == "borderline"


def test_a_score_of_exactly_four_is_a_strength_despite_rounding() -> None:
    q = instrument({"six": 6, "power_balance": 1})
    partners = [partner("A"), partner("B"), partner("C")]
    rows = [
        ("A", dict(zip([f"six_{i}" for i in range(1, 7)], [4, 4, 4, 3, 3, 3], strict=True))),
        ("B", dict(zip([f"six_{i}" for i in range(1, 7)], [5, 5, 5, 5, 5, 4], strict=True))),
        ("C", dict(zip([f"six_{i}" for i in range(1, 7)], [4, 4, 4, 4, 3, 3], strict=True))),
    ]
    report = run(q, partners, rows)
    # A = 21/6 = 3.5, B = 29/6, C = 22/6; partnership = (21 + 29 + 22) / 18 = 72 / 18 = 4.0
    # (in floating point (3.5 + 4.8333... + 3.6666...) / 3 comes out as 3.9999999999999996)
    assert report["partnership"]["scores"]["six"] == pytest.approx(4.0, abs=1e-12)
    assert report["partnership"]["bands"]["six"] == "strength"


def test_a_score_of_exactly_three_is_borderline_despite_rounding() -> None:
    q = instrument({"six": 6, "power_balance": 1})
    items = [f"six_{i}" for i in range(1, 7)]
    partners = [partner(n) for n in "ABCD"]
    rows = [("A", dict.fromkeys(items, 1))] + [
        (n, dict(zip(items, [4, 4, 4, 4, 3, 3], strict=True))) for n in "BCD"
    ]
    report = run(q, partners, rows)
    # A = 1.0, B = C = D = 22/6; partnership = (6 + 3 * 22) / 24 = 72 / 24 = 3.0
    assert report["partnership"]["scores"]["six"] == pytest.approx(3.0, abs=1e-12)
    assert report["partnership"]["bands"]["six"] == "borderline"
    assert not [f for f in report["flags"] if f["rule"] == "low-score"]


def test_bands_come_from_the_instrument() -> None:
    q = instrument(extra="bands: {strength: 4.5, borderline: 3.5}\n")
    report = run(q, [partner("A")], [("A", {"trust_1": 4, "power_balance_1": 3})])
    assert report["bands"] == {"strength": 4.5, "borderline": 3.5}
    assert report["partnership"]["bands"]["trust"] == "borderline"  # 3.5 <= 4.0 < 4.5
    assert report["partnership"]["bands"]["power_balance"] == "concern"  # 3.0 < 3.5


# ---------------------------------------------------------------------------------------------
# Spread, don't-know share, response rates


def test_spread_is_the_population_sd_across_partners() -> None:
    partners = [partner("A"), partner("B"), partner("C"), partner("Silent", invited=2)]
    rows = [("A", pb(2)), ("B", pb(3)), ("C", pb(5)), ("C", pb(5))]
    report = run(SC, partners, rows)
    spread = report["spread"]["power_balance"]
    # partners 2, 3, 5 (C counts once; Silent has no score): mean = 10 / 3
    # variance = ((2 - 10/3)^2 + (3 - 10/3)^2 + (5 - 10/3)^2) / 3 = (16/9 + 1/9 + 25/9) / 3
    #          = 42 / 27 = 14 / 9, so sd = sqrt(14) / 3 = 1.2472 (the sample SD would be 1.5275)
    assert spread["sd"] == pytest.approx(math.sqrt(14) / 3)
    assert spread["min"] == 2.0
    assert spread["max"] == 5.0
    assert spread["partners"] == 3
    assert report["partnership"]["scores"]["power_balance"] == pytest.approx(10 / 3)


def test_spread_of_one_partner_is_zero() -> None:
    report = run(SC, [partner("A")], [("A", pb(4))])
    assert report["spread"]["power_balance"] == {"sd": 0.0, "min": 4.0, "max": 4.0, "partners": 1}


def test_na_share() -> None:
    partners = [partner("A"), partner("B"), partner("C")]
    rows = [
        ("A", {"trust_1": 4, "trust_2": NA, "trust_3": NA, "trust_4": 4}),  # na 2, valid 2
        ("A", {"trust_1": NA, "trust_2": 3}),  # na 1, valid 1 (two blanks count for nothing)
        ("B", {"trust_1": 3, "trust_2": 3, "trust_3": 3, "trust_4": 3}),  # na 0, valid 4
    ]
    report = run(SC, partners, rows)
    # A: 3 na / (3 na + 3 valid) = 0.5
    assert partner_row(report, "A")["na_share"]["trust"] == 0.5
    # B: 0 / 4 = 0.0
    assert partner_row(report, "B")["na_share"]["trust"] == 0.0
    # C gave nothing: no share
    assert partner_row(report, "C")["na_share"]["trust"] is None
    # partnership, pooled: 3 na / (3 na + 3 valid in A + 4 valid in B) = 3 / 10 = 0.3
    assert report["partnership"]["na_share"]["trust"] == pytest.approx(0.3)
    # nobody answered a goals item at all
    assert report["partnership"]["na_share"]["goals"] is None
    assert partner_row(report, "A")["na_share"]["goals"] is None


def test_response_rates() -> None:
    partners = [partner("A", invited=4), partner("B"), partner("C", invited=2)]
    rows = [("A", pb(3)), ("A", pb(3)), ("B", pb(3))]
    report = run(SC, partners, rows)
    assert partner_row(report, "A")["response_rate"] == 0.5  # 2 / 4
    assert partner_row(report, "B")["response_rate"] is None  # invitations unknown
    assert partner_row(report, "C")["response_rate"] == 0.0  # 0 / 2
    p = report["partnership"]
    assert p["respondents"] == 3  # everyone who answered, B included
    # the overall rate counts only partners whose invitations are known:
    # (2 + 0) / (4 + 2) = 2 / 6 = 1/3 (B's respondent is not set against unknown invitations)
    assert p["invited"] == 6
    assert p["response_rate"] == pytest.approx(1 / 3)


def test_response_rate_unknown_when_no_invitations_are_known() -> None:
    report = run(SC, [partner("A"), partner("B")], [("A", pb(3))])
    assert report["partnership"]["invited"] is None
    assert report["partnership"]["response_rate"] is None


# ---------------------------------------------------------------------------------------------
# Item distributions and comments


def test_item_distributions() -> None:
    rows = [
        ("A", {"trust_1": 5, "trust_4": 1}),
        ("A", {"trust_1": 5, "trust_4": 1}),
        ("A", {"trust_1": 3, "trust_4": 2}),
        ("A", {"trust_1": NA}),
        ("A", {}),
    ]
    report = run(SC, [partner("A")], rows)
    items = {item["id"]: item for item in report["items"]}
    # only scored items, in questionnaire order
    assert list(items) == [
        *(f"trust_{i}" for i in range(1, 5)),
        *(f"goals_{i}" for i in range(1, 6)),
        "power_balance_1",
        "power_balance_2",
    ]
    t1 = items["trust_1"]
    # answers 5, 5, 3, na, blank -> value 3 once, value 5 twice; 1 na; 1 blank
    assert [(o["value"], o["count"]) for o in t1["options"]] == [
        (1, 0),
        (2, 0),
        (3, 1),
        (4, 0),
        (5, 2),
    ]
    assert (t1["na"], t1["blank"]) == (1, 1)
    assert t1["dimension"] == "trust"
    assert t1["reverse"] is False
    # a reverse item counts the values people chose, not the keyed ones: 1, 1, 2, blank x2
    t4 = items["trust_4"]
    assert t4["reverse"] is True
    assert [o["count"] for o in t4["options"]] == [2, 1, 0, 0, 0]
    assert (t4["na"], t4["blank"]) == (0, 2)
    # counts add up to the respondents: 3 valid + 1 na + 1 blank = 5
    assert sum(o["count"] for o in t1["options"]) + t1["na"] + t1["blank"] == 5


def test_item_labels_follow_the_language() -> None:
    report = run(SC, [partner("A")], [("A", pb(3))], language="fr")
    assert report["items"][0]["options"][0]["label"] == "F1"
    report = run(SC, [partner("A")], [("A", pb(3))])
    assert report["items"][0]["options"][0]["label"] == "E1"


def test_comments_are_sorted_and_unattributed() -> None:
    partners = [partner("A"), partner("B")]
    rows = [
        ("A", {"comments": "beta"}),
        ("B", {"comments": "Alpha"}),
        ("A", {"comments": "   "}),
        ("B", {"comments": None}),
        ("A", {"comments": "  gamma "}),
        ("B", {}),
    ]
    report = run(SC, partners, rows)
    [group] = report["comments"]
    # blank and whitespace-only answers dropped, trimmed, sorted without regard to case
    assert group["answers"] == ["Alpha", "beta", "gamma"]
    assert group["question"] == "comments"
    assert group["text"] == "Comments?"
    # nothing ties a comment to a respondent or a partner
    assert set(group) == {"question", "text", "answers"}
    assert "r1" not in json.dumps(report["comments"])


# ---------------------------------------------------------------------------------------------
# Edge cases and the shape of the report


def test_empty_round_gives_nulls_and_no_crash() -> None:
    partners = [partner("A", invited=3), partner("B")]
    report = run(SC, partners, [])
    p = report["partnership"]
    assert p["respondents"] == 0
    assert p["scores"] == {"trust": None, "goals": None, "power_balance": None}
    assert p["bands"] == {"trust": None, "goals": None, "power_balance": None}
    assert p["na_share"] == {"trust": None, "goals": None, "power_balance": None}
    assert p["invited"] == 3
    assert p["response_rate"] == 0.0  # 0 / 3
    for spread in report["spread"].values():
        assert spread == {"sd": None, "min": None, "max": None, "partners": 0}
    for row in report["partners"]:
        assert row["respondents"] == 0
        assert set(row["scores"].values()) == {None}
        assert row["reported_role"] is None
    assert all(o["count"] == 0 for item in report["items"] for o in item["options"])
    assert report["comments"][0]["answers"] == []
    # A invited 3 people and none answered: the one flag an empty round can carry
    assert [(f["rule"], f["partners"]) for f in report["flags"]] == [("silent-partner", ["A"])]
    json.dumps(report)
    assert "—" in render_text(report)


def test_round_with_no_partners_and_no_respondents() -> None:
    report = run(SC, [], [])
    assert report["partners"] == []
    assert report["partnership"]["response_rate"] is None
    assert report["flags"] == []
    assert report["pino_risk"] == "none"
    render_text(report)


def test_report_is_plain_json_data() -> None:
    partners = [partner("A", invited=3, lead=True, role="collaboration"), partner("B")]
    rows = [("A", {**pb(4), "trust_1": 5, "partner_role": "cooperation"}), ("B", pb(2))]
    report = run(SC, partners, rows)
    assert json.loads(json.dumps(report)) == report
    for value in report["partnership"]["scores"].values():
        assert value is None or type(value) is float
    assert type(report["spread"]["power_balance"]["partners"]) is int
    assert not any(isinstance(v, np.generic) for v in report["partnership"].values())


def test_report_header() -> None:
    report = run(SC, [partner("A")], [("A", pb(4))], language="fr")
    assert report["questionnaire"]["id"] == "built"
    assert report["questionnaire"]["version"] == "2"
    assert report["questionnaire"]["sha256"] == SC.sha256
    assert report["questionnaire"]["title"] == "Construit"
    assert report["language"] == "fr"
    assert [d["id"] for d in report["dimensions"]] == ["trust", "goals", "power_balance"]
    assert report["dimensions"][0]["title"] == "Confiance"
    assert report["dimensions"][0]["practices"] == ["Pratique Confiance."]


def test_partner_rows_carry_what_the_partnership_listed() -> None:
    partners = [partner("A", lead=True, role="collaboration", invited=5, sector="police")]
    report = run(SC, partners, [("A", {**pb(4), "partner_role": "coordination"})])
    row = partner_row(report, "A")
    assert (row["sector"], row["lead"], row["role"], row["invited"]) == (
        "police",
        True,
        "collaboration",
        5,
    )
    assert row["reported_role"] == "coordination"
    assert row["role_counts"] == {"coordination": 1}
    assert row["response_rate"] == 0.2  # 1 / 5
