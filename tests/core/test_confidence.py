"""How far each number can be trusted: intervals, agreement, the verdict's confidence and the
findings, worked out by hand and checked against scipy as an independent computation."""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.core.stats import ad_bound, agreement, mean_ci, t_quantile_975
from tests.core.helpers import instrument, many, partner, partner_row, run

scipy_stats = pytest.importorskip("scipy.stats")


# ---------------------------------------------------------------------------------------------
# t quantiles, intervals and agreement against scipy


@pytest.mark.parametrize("df", [*range(1, 61), 75, 100, 250, 1000, 100_000])
def test_t_quantile_matches_scipy(df: int) -> None:
    assert t_quantile_975(df) == pytest.approx(scipy_stats.t.ppf(0.975, df), abs=1e-3)


def test_t_quantile_is_exact_to_the_table_and_close_beyond() -> None:
    for df in range(1, 31):
        assert abs(t_quantile_975(df) - scipy_stats.t.ppf(0.975, df)) < 1e-8
    for df in range(31, 200):
        assert abs(t_quantile_975(df) - scipy_stats.t.ppf(0.975, df)) < 1e-4


def test_interval_and_agreement_worked_by_hand() -> None:
    # 3, 3, 4, 4: mean 3.5, s² = (4 × 0.25) / 3 = 1/3, SE = √(1/12) = 0.288675,
    # t(3) = 3.182446 → half-width 0.918694.
    low, high = mean_ci([3, 3, 4, 4], 1, 5)  # type: ignore[misc]
    assert low == pytest.approx(2.581306, abs=1e-6)
    assert high == pytest.approx(4.418694, abs=1e-6)
    found = agreement([3, 3, 4, 4], 5)
    assert found is not None
    assert found["ad"] == pytest.approx(0.5)  # every answer is 0.5 from the mean
    # σ²E on a 5-point scale is (25 − 1) / 12 = 2, so rwg = 1 − (1/3) / 2 = 5/6.
    assert found["rwg"] == pytest.approx(5 / 6)
    assert ad_bound(5) == pytest.approx(2 / 3)


def test_interval_matches_scipy_and_is_clipped_to_the_scale() -> None:
    values = [1.5, 2.0, 4.25, 3.0, 2.5]
    reference = scipy_stats.t.interval(
        0.95, len(values) - 1, loc=statistics.mean(values), scale=scipy_stats.sem(values)
    )
    assert mean_ci(values, 1, 5) == pytest.approx(reference, abs=1e-6)
    # 1 and 5: the interval runs past both ends of the scale and stops at them.
    assert mean_ci([1, 5], 1, 5) == (1, 5)


def test_rwg_is_clipped_and_nothing_below_two_raters() -> None:
    assert agreement([1, 5, 1, 5], 5)["rwg"] == 0.0  # type: ignore[index]
    assert agreement([4, 4, 4], 5) == {"ad": 0.0, "rwg": 1.0}
    assert agreement([4], 5) is None
    assert mean_ci([4], 1, 5) is None
    assert mean_ci([], 1, 5) is None


finite_scores = st.lists(st.floats(1, 5, allow_nan=False), min_size=2, max_size=40)


@settings(max_examples=200, deadline=None)
@given(finite_scores)
def test_interval_contains_the_mean(values: list[float]) -> None:
    low, high = mean_ci(values, 1, 5)  # type: ignore[misc]
    mean = sum(values) / len(values)
    assert low - 1e-9 <= mean <= high + 1e-9
    assert 1 <= low <= high <= 5


@settings(max_examples=200, deadline=None)
@given(finite_scores, st.integers(2, 6))
def test_interval_narrows_as_n_grows_with_the_same_spread(values: list[float], k: int) -> None:
    # The same answers k times over: the same spread, k times the people.
    low, high = mean_ci(values, -math.inf, math.inf)  # type: ignore[misc]
    low_k, high_k = mean_ci(values * k, -math.inf, math.inf)  # type: ignore[misc]
    assert high_k - low_k <= high - low + 1e-12


# ---------------------------------------------------------------------------------------------
# In the score report


Q = instrument({"trust": 1, "power_balance": 1})


def test_report_carries_intervals_and_agreement_per_partner_and_for_the_partnership() -> None:
    rows = [("A", {"trust_1": v, "power_balance_1": 4}) for v in (3, 3, 4, 4)]
    rows += [("B", {"trust_1": 2, "power_balance_1": 4})]
    rows += [("C", {"trust_1": v, "power_balance_1": 4}) for v in (1, 5)]
    report = run(Q, [partner("A"), partner("B"), partner("C")], rows)
    a = partner_row(report, "A")
    assert a["ci"]["trust"] == pytest.approx([2.581306, 4.418694], abs=1e-6)
    assert a["agreement"]["trust"]["ad"] == pytest.approx(0.5)
    assert a["agreement"]["trust"]["rwg"] == pytest.approx(5 / 6)
    assert a["split"] == []
    b = partner_row(report, "B")
    assert b["ci"]["trust"] is None and b["agreement"]["trust"] is None
    c = partner_row(report, "C")
    assert c["ci"]["trust"] == [1, 5]
    assert c["agreement"]["trust"] == {"ad": 2.0, "rwg": 0.0}
    assert c["split"] == ["trust"]  # AD 2 > (5 − 1) / 6: its mean of 3 hides a split
    # Across partners: 3.5, 2, 3 with 2 degrees of freedom.
    scores = [3.5, 2.0, 3.0]
    reference = scipy_stats.t.interval(
        0.95, 2, loc=statistics.mean(scores), scale=scipy_stats.sem(scores)
    )
    expected = [max(1, reference[0]), min(5, reference[1])]
    assert report["partnership"]["ci"]["trust"] == pytest.approx(expected, abs=1e-9)
    assert report["dimensions"][0]["scale"] == {"min": 1.0, "max": 5.0, "points": 5}


def test_partnership_interval_is_null_with_one_partner_scored() -> None:
    report = run(Q, [partner("A"), partner("B")], many("A", 3, trust_1=4, power_balance_1=4))
    assert report["partnership"]["ci"]["trust"] is None


# ---------------------------------------------------------------------------------------------
# Confidence of the verdict


def six_partners(invited: int | None = 3) -> list:
    return [partner(name, invited=invited, lead=name == "A") for name in "ABCDEF"]


def test_two_responses_from_two_of_six_partners_is_insufficient() -> None:
    rows = [
        ("A", {"trust_1": 5, "power_balance_1": 5}),
        ("B", {"trust_1": 1, "power_balance_1": 1}),
    ]
    report = run(Q, six_partners(), rows)
    assert report["verdict_confidence"] == "insufficient"
    assert report["basis"] == {"respondents": 2, "partners": 6, "scored_partners": 2}
    # The risk keeps its meaning: the rules still read the numbers.
    assert report["pino_risk"] != "none"


def test_every_partner_with_three_respondents_and_a_good_rate_is_firm() -> None:
    rows = []
    for name in "ABCDEF":
        rows += many(name, 3, trust_1=4, power_balance_1=4)
    report = run(Q, six_partners(invited=5), rows)  # rate 18 / 30 = 0.6
    assert report["verdict_confidence"] == "firm"


def test_a_partner_on_two_people_or_a_low_rate_is_indicative() -> None:
    rows = []
    for name in "ABCDEF":
        rows += many(name, 3 if name != "F" else 2, trust_1=4, power_balance_1=4)
    assert run(Q, six_partners(invited=None), rows)["verdict_confidence"] == "indicative"
    rows = []
    for name in "ABCDEF":
        rows += many(name, 3, trust_1=4, power_balance_1=4)
    assert run(Q, six_partners(invited=6), rows)["verdict_confidence"] == "indicative"  # 0.5


def test_half_the_partners_and_at_least_three_are_needed() -> None:
    rows = []
    for name in "ABC":
        rows += many(name, 3, trust_1=4, power_balance_1=4)
    # 3 of 6 scored: min(3, 6) = 3 and 3 ≥ 6 / 2, so not insufficient.
    assert run(Q, six_partners(None), rows)["verdict_confidence"] == "firm"
    rows = many("A", 3, trust_1=4, power_balance_1=4) + many("B", 3, trust_1=4, power_balance_1=4)
    assert run(Q, six_partners(None), rows)["verdict_confidence"] == "insufficient"
    # With two partners listed, both scored is enough: min(3, 2) = 2.
    two = [partner("A"), partner("B")]
    assert run(Q, two, rows)["verdict_confidence"] == "firm"


def test_thresholds_come_from_the_instrument() -> None:
    q = instrument(
        {"trust": 1, "power_balance": 1},
        extra="confidence: {min_partners: 2, min_partner_share: 0.25, min_respondents: 1}\n",
    )
    rows = [
        ("A", {"trust_1": 5, "power_balance_1": 5}),
        ("B", {"trust_1": 1, "power_balance_1": 1}),
    ]
    assert run(q, six_partners(None), rows)["verdict_confidence"] == "firm"


def test_flag_confidence_rests_on_its_own_partners() -> None:
    # A role mismatch rests on its partner alone: one respondent makes it indicative, however
    # firm the rest of the round.
    partners = [partner(n, role="collaboration" if n == "A" else None) for n in "ABC"]
    rows = [("A", {"trust_1": 4, "power_balance_1": 4, "partner_role": "communication"})]
    rows += many("B", 3, trust_1=4, power_balance_1=4) + many("C", 3, trust_1=4, power_balance_1=4)
    report = run(Q, partners, rows)
    (flag,) = [f for f in report["flags"] if f["rule"] == "role-mismatch"]
    assert flag["confidence"] == "indicative"


# ---------------------------------------------------------------------------------------------
# Draft rounds and findings


def test_a_draft_round_has_no_flags() -> None:
    from survey.core.scoring import score
    from tests.core.helpers import answers_of

    partners = six_partners(invited=4)
    report = score(Q, partners, answers_of(Q, partners, []), phase="draft")
    assert report["flags"] == [] and report["findings"] == []
    assert report["pino_risk"] == "none"
    # The same round once open: every invited partner is silent.
    opened = score(Q, partners, answers_of(Q, partners, []), phase="open")
    assert {f["rule"] for f in opened["flags"]} == {"silent-partner"}


def test_findings_group_the_flags_of_one_dimension_and_say_each_number_once() -> None:
    q = instrument({"trust": 1, "power_balance": 1})
    partners = [
        partner("Police", lead=True),
        partner("Clinic"),
        partner("School"),
        partner("Youth"),
    ]
    rows = many("Police", 3, trust_1=5, power_balance_1=5)
    rows += many("Clinic", 3, trust_1=4, power_balance_1=1)
    rows += many("School", 3, trust_1=4, power_balance_1=2)
    rows += many("Youth", 3, trust_1=4, power_balance_1=2)
    report = run(q, partners, rows)
    power = [f for f in report["findings"] if f["dimension"] == "power_balance"]
    assert len(power) == 1
    finding = power[0]
    assert {"low-score", "power-imbalance", "perception-gap"} <= set(finding["rules"])
    assert finding["severity"] == "high"
    assert finding["confidence"] == "firm"
    assert finding["summary"].startswith("On “Power balance”, ")
    text = " ".join(finding["evidence"])
    for name in ("Police", "Clinic", "School", "Youth"):  # each partner is named once
        assert text.count(name) == 1, name
    assert text.count("Police): 5.00") == 1
    assert finding["recommendation"] == "Practice Power balance."
    # Every flag is in exactly one finding (or, for partner rules, one per named partner).
    dimension_flags = [f for f in report["flags"] if f["dimension"]]
    assert sum(len([r for r in f["rules"]]) for f in report["findings"] if f["dimension"]) == len(
        {(f["rule"], f["dimension"]) for f in dimension_flags}
    )


def test_findings_in_french_are_in_french() -> None:
    partners = six_partners(invited=4)
    from survey.core.scoring import score
    from tests.core.helpers import answers_of

    report = score(Q, partners, answers_of(Q, partners, []), language="fr", phase="open")
    assert report["findings"]
    assert all(f["summary"].endswith("n’a pas encore répondu.") for f in report["findings"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(1, 5)), min_size=1, max_size=30))
def test_report_intervals_match_the_plain_computation(rows: list[tuple[str, int]]) -> None:
    # The report computes them column-wise; the plain definitions must agree.
    report = run(
        Q,
        [partner("A"), partner("B"), partner("C")],
        [(name, {"trust_1": v, "power_balance_1": 3}) for name, v in rows],
    )
    for name in "ABC":
        own = [float(v) for n, v in rows if n == name]
        row = partner_row(report, name)
        expected = mean_ci(own, 1, 5)
        if expected is None:
            assert row["ci"]["trust"] is None and row["agreement"]["trust"] is None
            continue
        assert row["ci"]["trust"] == pytest.approx(list(expected), abs=1e-9)
        assert row["agreement"]["trust"] == pytest.approx(agreement(own, 5), abs=1e-9)
