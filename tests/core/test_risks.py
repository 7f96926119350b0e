"""The risk rules, each at its boundary, and the overall pino_risk.

Unless a test says otherwise the instrument has two one-item dimensions, trust and
power_balance, so a respondent's score on a dimension is their answer to its one item.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from survey.core.questionnaire import SEVERITY_RANK
from survey.core.report import RULE_ORDER
from survey.core.risks import pino_risk
from survey.core.wording import format_number, format_share
from tests.core.helpers import flags_of, instrument, many, partner, run

Q = instrument()  # trust_1, power_balance_1; rules and bands at their defaults


def tp(trust: int | None = None, power: int | None = None) -> dict[str, Any]:
    return {"trust_1": trust, "power_balance_1": power}


def rules_fired(report: Any) -> set[str]:
    return {f["rule"] for f in report["flags"]}


# ---------------------------------------------------------------------------------------------
# silent-partner


def test_silent_partner_fires_for_an_invited_partner_with_no_response() -> None:
    partners = [partner("A", invited=2), partner("Quiet", invited=1)]
    report = run(Q, partners, [("A", tp(4, 4))])
    [flag] = flags_of(report, "silent-partner")
    assert flag["partners"] == ["Quiet"]
    assert flag["severity"] == "medium"
    assert flag["dimension"] is None
    assert flag["evidence"] == "No one from Quiet has responded yet (1 invited)."
    assert flag["values"] == {"invited": 1, "respondents": 0}
    assert flag["recommendation"].startswith("Ask the partner, in person")


@pytest.mark.parametrize(
    ("invited", "responses"),
    [(0, 0), (None, 0), (3, 1)],
    ids=["none-invited", "invitations-unknown", "one-responded"],
)
def test_silent_partner_does_not_fire(invited: int | None, responses: int) -> None:
    partners = [partner("A", invited=2), partner("B", invited=invited)]
    rows = [("A", tp(4, 4)), *many("B", responses, **tp(4, 4))]
    assert not flags_of(run(Q, partners, rows), "silent-partner")


# ---------------------------------------------------------------------------------------------
# power-imbalance


def test_power_imbalance_fires_below_three_and_names_the_partners_below() -> None:
    partners = [partner("A"), partner("B")]  # no lead: only the partnership score can fire
    report = run(Q, partners, [("A", tp(4, 2)), ("B", tp(4, 3))])
    # partnership power_balance = (2 + 3) / 2 = 2.5 < 3.0
    [flag] = flags_of(report, "power-imbalance")
    assert flag["partners"] == ["A"]  # A = 2 < 3; B = 3 is not below
    assert flag["severity"] == "high"
    assert flag["dimension"] == "power_balance"
    assert "2.50" in flag["evidence"] and "below 3.00" in flag["evidence"]
    assert flag["values"]["partnership"] == 2.5
    assert flag["recommendation"] == "Practice Power balance."


def test_power_imbalance_does_not_fire_at_exactly_three() -> None:
    report = run(Q, [partner("A"), partner("B")], [("A", tp(4, 2)), ("B", tp(4, 4))])
    # (2 + 4) / 2 = 3.0, not below 3.0
    assert report["partnership"]["scores"]["power_balance"] == 3.0
    assert not flags_of(report, "power-imbalance")


def test_power_imbalance_does_not_fire_at_three_reached_by_rounding() -> None:
    q = instrument(
        {"six": 6, "power_balance": 1}, extra="rules:\n  power-imbalance: {dimension: six}\n"
    )
    items = [f"six_{i}" for i in range(1, 7)]
    partners = [partner(n) for n in "ABCD"]
    rows = [("A", dict.fromkeys(items, 1))] + [
        (n, dict(zip(items, [4, 4, 4, 4, 3, 3], strict=True))) for n in "BCD"
    ]
    report = run(q, partners, rows)
    # (6/6 + 3 * 22/6) / 4 = 72 / 24 = 3.0 (2.9999999999999996 in floating point): not below
    assert not flags_of(report, "power-imbalance")


def test_power_imbalance_fires_one_point_below_the_lead() -> None:
    partners = [partner("Lead", lead=True), partner("X"), partner("Y")]
    rows = [("Lead", tp(None, 5)), ("X", tp(None, 4)), ("Y", tp(None, 5))]
    report = run(Q, partners, rows)
    # partnership (5 + 4 + 5) / 3 = 4.67, not low; X is 5 - 4 = 1.0 below the lead: fires
    [flag] = flags_of(report, "power-imbalance")
    assert flag["partners"] == ["X"]  # Y is level with the lead
    assert flag["evidence"] == "X scores 4.00 on Power balance, 1.00 below the lead (Lead: 5.00)."
    assert flag["values"]["lead"] == 5.0
    assert flag["values"]["partners"] == {"X": 4.0}


def test_power_imbalance_gap_of_one_reached_by_rounding_fires() -> None:
    partners = [partner("Lead", lead=True), partner("X")]
    rows = many("Lead", 1, **tp(None, 5)) + many("Lead", 2, **tp(None, 4))
    rows += many("X", 1, **tp(None, 4)) + many("X", 2, **tp(None, 3))
    report = run(Q, partners, rows)
    # Lead = 13/3, X = 10/3: a gap of exactly 1.0 (0.9999999999999996 in floating point)
    assert flags_of(report, "power-imbalance")[0]["partners"] == ["X"]


def test_power_imbalance_does_not_fire_at_a_gap_of_0_99() -> None:
    partners = [partner("Lead", lead=True), partner("X")]
    rows = [("Lead", tp(None, 5)), *many("X", 99, **tp(None, 4)), ("X", tp(None, 5))]
    report = run(Q, partners, rows)
    # X = (99 * 4 + 5) / 100 = 4.01; gap 5 - 4.01 = 0.99 < 1.0
    assert partner_score(report, "X", "power_balance") == pytest.approx(4.01)
    assert not flags_of(report, "power-imbalance")


def partner_score(report: Any, name: str, dim: str) -> float:
    return next(p["scores"][dim] for p in report["partners"] if p["partner"] == name)


# ---------------------------------------------------------------------------------------------
# perception-gap


def test_perception_gap_fires_at_exactly_one_point() -> None:
    partners = [partner("Lead", lead=True), partner("A"), partner("B")]
    rows = [("Lead", tp(5)), ("A", tp(4)), ("B", tp(4))]
    report = run(Q, partners, rows)
    # lead 5.0 - mean(4.0, 4.0) = 1.0 >= 1.0
    [flag] = flags_of(report, "perception-gap")
    assert flag["dimension"] == "trust"
    assert flag["partners"] == ["Lead"]
    assert flag["severity"] == "medium"
    assert flag["values"] == {"lead": 5.0, "others": 4.0, "gap": 1.0}
    assert flag["evidence"] == (
        "On Trust, the lead (Lead) scores 5.00; the other partners average 4.00 (1.00 lower)."
    )
    assert flag["recommendation"] == "Practice Trust."


def test_perception_gap_of_one_reached_by_rounding_fires() -> None:
    partners = [partner("Lead", lead=True), partner("A")]
    rows = [("Lead", tp(3)), ("Lead", tp(3)), ("Lead", tp(2))]
    rows += [("A", tp(2)), ("A", tp(2)), ("A", tp(1))]
    report = run(Q, partners, rows)
    # 8/3 - 5/3 = 1.0 (0.9999999999999998 in floating point)
    assert len(flags_of(report, "perception-gap")) == 1


def test_perception_gap_does_not_fire_at_0_99() -> None:
    partners = [partner("Lead", lead=True), partner("A")]
    rows = [("Lead", tp(5)), *many("A", 99, **tp(4)), ("A", tp(5))]
    report = run(Q, partners, rows)
    # A = (99 * 4 + 5) / 100 = 4.01; 5 - 4.01 = 0.99 < 1.0
    assert not flags_of(report, "perception-gap")


def test_perception_gap_one_flag_per_dimension_naming_every_lead() -> None:
    partners = [partner("L1", lead=True), partner("L2", lead=True), partner("A"), partner("B")]
    rows = [("L1", tp(5, 5)), ("L2", tp(5, 5)), ("A", tp(3, 4)), ("B", tp(4, 4))]
    report = run(Q, partners, rows)
    # trust: leads mean 5.0 - others (3 + 4) / 2 = 3.5 -> gap 1.5; power_balance: 5 - 4 = 1.0
    flags = flags_of(report, "perception-gap")
    assert [f["dimension"] for f in flags] == ["trust", "power_balance"]
    assert all(f["partners"] == ["L1", "L2"] for f in flags)
    assert flags[0]["values"]["gap"] == 1.5


@pytest.mark.parametrize(
    "rows",
    [
        [("Lead", tp(5)), ("A", tp(None))],  # no other partner scored
        [("Lead", tp(2)), ("A", tp(5))],  # the lead sees it worse than the others
        [("Lead", tp(None)), ("A", tp(1))],  # the lead has no score
    ],
    ids=["others-unscored", "negative-gap", "lead-unscored"],
)
def test_perception_gap_does_not_fire(rows: list[Any]) -> None:
    report = run(Q, [partner("Lead", lead=True), partner("A")], rows)
    assert not flags_of(report, "perception-gap")


def test_perception_gap_needs_a_lead() -> None:
    report = run(Q, [partner("A"), partner("B")], [("A", tp(5)), ("B", tp(1))])
    assert not flags_of(report, "perception-gap")


# ---------------------------------------------------------------------------------------------
# role-mismatch


def roles(*answers: str) -> list[tuple[str, dict[str, Any]]]:
    return [("P", {"partner_role": a, "trust_1": 4, "power_balance_1": 4}) for a in answers]


def test_role_mismatch_fires_when_most_report_a_lower_role() -> None:
    partners = [partner("P", role="collaboration")]
    report = run(Q, partners, roles("cooperation", "cooperation", "collaboration"))
    [flag] = flags_of(report, "role-mismatch")
    assert flag["partners"] == ["P"]
    assert flag["dimension"] is None
    assert flag["severity"] == "medium"
    assert flag["values"] == {
        "listed": "collaboration",
        "reported": "cooperation",
        "role_counts": {"cooperation": 2, "collaboration": 1},
    }
    assert "(2 of 3)" in flag["evidence"]
    assert flag["recommendation"].startswith("Review together")


def test_role_mismatch_tie_goes_to_the_higher_role() -> None:
    # one cooperation, one collaboration: the tie is read as collaboration -> no flag
    report = run(Q, [partner("P", role="collaboration")], roles("cooperation", "collaboration"))
    assert report["partners"][0]["reported_role"] == "collaboration"
    assert not flags_of(report, "role-mismatch")


def test_role_mismatch_tie_below_the_listed_role_still_fires() -> None:
    # communication 1, cooperation 1 -> cooperation (the higher), still below coordination
    report = run(Q, [partner("P", role="coordination")], roles("communication", "cooperation"))
    [flag] = flags_of(report, "role-mismatch")
    assert flag["values"]["reported"] == "cooperation"
    # 1 of 2 is the most common answer, not "most of its respondents": the words say so.
    assert flag["evidence"] == (
        "P is listed as coordination, but its respondents most often describe its role as "
        "cooperation (1 of 2)."
    )


@pytest.mark.parametrize(
    ("listed", "answers"),
    [
        ("coordination", ("coordination", "coordination")),  # same role
        ("cooperation", ("collaboration", "coordination", "collaboration")),  # higher
        (None, ("communication",)),  # no listed role
        ("collaboration", ()),  # nobody answered the role question
    ],
    ids=["same", "higher", "unlisted", "unanswered"],
)
def test_role_mismatch_does_not_fire(listed: str | None, answers: tuple[str, ...]) -> None:
    rows = roles(*answers) or [("P", tp(4, 4))]
    assert not flags_of(run(Q, [partner("P", role=listed)], rows), "role-mismatch")


# ---------------------------------------------------------------------------------------------
# divergent-views


def test_divergent_views_fires_at_an_sd_of_exactly_one() -> None:
    partners = [partner(n) for n in "ABCD"]
    rows = [("A", tp(2, 2)), ("B", tp(2, 2)), ("C", tp(4, 4)), ("D", tp(4, 4))]
    report = run(Q, partners, rows)
    # 2, 2, 4, 4: mean 3, every deviation 1 -> population sd = 1.0 >= 1.0
    flags = flags_of(report, "divergent-views")
    assert [f["dimension"] for f in flags] == ["trust", "power_balance"]  # one per dimension
    flag = flags[0]
    assert flag["partners"] == []
    assert flag["severity"] == "low"
    assert flag["values"] == {"sd": 1.0, "min": 2.0, "max": 4.0, "partners": 4}
    assert flag["evidence"] == (
        "Partners disagree on Trust: scores range from 2.00 to 4.00 "
        "(standard deviation 1.00 across 4 partners)."
    )


def test_divergent_views_does_not_fire_just_below_one() -> None:
    partners = [partner(n) for n in "ABCD"]
    rows = [("A", tp(2)), ("B", tp(2)), ("C", tp(4)), *many("D", 49, **tp(4)), ("D", tp(3))]
    report = run(Q, partners, rows)
    # D = (49 * 4 + 3) / 50 = 3.98; mean 11.98 / 4 = 2.995;
    # sd = sqrt((0.995^2 + 0.995^2 + 1.005^2 + 0.985^2) / 4) = sqrt(3.9603 / 4) = 0.99502
    assert report["spread"]["trust"]["sd"] == pytest.approx(0.99502, abs=1e-5)
    assert not flags_of(report, "divergent-views")


def test_divergent_views_needs_three_scored_partners() -> None:
    partners = [partner("A"), partner("B"), partner("C")]
    # 1 and 5: sd = 2.0, but only two partners have a score (C answered nothing)
    report = run(Q, partners, [("A", tp(1, 1)), ("B", tp(5, 5)), ("C", tp())])
    assert report["spread"]["trust"] == {"sd": 2.0, "min": 1.0, "max": 5.0, "partners": 2}
    assert not flags_of(report, "divergent-views")


def test_divergent_views_fires_with_three_partners() -> None:
    partners = [partner(n) for n in "ABC"]
    report = run(Q, partners, [("A", tp(1, 3)), ("B", tp(3, 3)), ("C", tp(5, 3))])
    # trust 1, 3, 5: sd = sqrt((4 + 0 + 4) / 3) = 1.633; power_balance 3, 3, 3: sd 0
    [flag] = flags_of(report, "divergent-views")
    assert flag["dimension"] == "trust"
    assert flag["values"]["sd"] == pytest.approx(1.633, abs=1e-3)


# ---------------------------------------------------------------------------------------------
# dominant-voice


def test_dominant_voice_fires_above_half() -> None:
    partners = [partner(n) for n in "ABCD"]
    rows = [*many("A", 4, **tp(4, 4)), ("B", tp(4, 4)), ("C", tp(4, 4))]
    report = run(Q, partners, rows)
    # A gives 4 of 6 responses = 0.667 > 0.5, with 3 partners responding (D is not)
    [flag] = flags_of(report, "dominant-voice")
    assert flag["partners"] == ["A"]
    assert flag["severity"] == "medium"
    assert flag["dimension"] is None
    assert flag["values"] == {"respondents": 4, "total": 6, "share": pytest.approx(4 / 6)}
    assert flag["evidence"] == "A gives 4 of 6 responses (67%), with 3 partners responding."


def test_dominant_voice_does_not_fire_at_exactly_half() -> None:
    partners = [partner(n) for n in "ABC"]
    rows = many("A", 3, **tp(4, 4)) + many("B", 2, **tp(4, 4)) + [("C", tp(4, 4))]
    # A gives 3 of 6 = 0.5, not more than half
    assert not flags_of(run(Q, partners, rows), "dominant-voice")


def test_dominant_voice_needs_three_partners_responding() -> None:
    partners = [partner(n) for n in "ABC"]
    rows = [*many("A", 9, **tp(4, 4)), ("B", tp(4, 4))]
    # A gives 9 of 10 but only two partners respond
    assert not flags_of(run(Q, partners, rows), "dominant-voice")


# ---------------------------------------------------------------------------------------------
# low-score


def test_low_score_fires_in_the_concern_band() -> None:
    rows = [*many("A", 99, **tp(3, 4)), ("A", tp(2, 4))]
    report = run(Q, [partner("A")], rows)
    # trust = (99 * 3 + 2) / 100 = 2.99 < 3.0
    [flag] = flags_of(report, "low-score")
    assert flag["dimension"] == "trust"
    assert flag["partners"] == []
    assert flag["severity"] == "medium"
    assert flag["values"]["score"] == pytest.approx(2.99)
    assert flag["evidence"] == (
        "The partnership scores 2.99 on Trust, in the concern band (below 3.00)."
    )


def test_low_score_does_not_fire_at_three() -> None:
    report = run(Q, [partner("A")], [("A", tp(3, 4))])
    assert not flags_of(report, "low-score")


# ---------------------------------------------------------------------------------------------
# All flags together: shape, order, language


def pino_round(language: str | None = None, q: Any = Q) -> Any:
    partners = [
        partner("Lead", lead=True, role="collaboration"),
        partner("X", role="collaboration"),
        partner("Y"),
        partner("Silent", invited=2),
    ]
    rows = [
        ("Lead", {**tp(5, 5), "partner_role": "collaboration"}),
        ("X", {**tp(2, 2), "partner_role": "cooperation"}),
        ("Y", tp(1, 4)),
    ]
    return run(q, partners, rows, language)


def test_flags_carry_every_field_and_are_sorted_most_severe_first() -> None:
    report = pino_round()
    # power_balance: Lead 5, X 2, Y 4 -> partnership 11/3 = 3.67 (not low); X is 3 below the
    #   lead and Y 1 below -> power-imbalance (high) names X and Y
    # trust: Lead 5 - mean(2, 1) = 3.5 -> perception-gap; power_balance 5 - mean(2, 4) = 2.0 too
    # X listed collaboration, reports cooperation -> role-mismatch; Silent -> silent-partner
    # trust partnership (5 + 2 + 1) / 3 = 2.67 -> low-score
    # trust sd of 5, 2, 1 = 1.70 and power_balance sd of 5, 2, 4 = 1.25 -> divergent-views x2
    got = [(f["severity"], f["rule"], f["dimension"]) for f in report["flags"]]
    assert got == [
        ("high", "power-imbalance", "power_balance"),
        ("medium", "perception-gap", "trust"),
        ("medium", "perception-gap", "power_balance"),
        ("medium", "role-mismatch", None),
        ("medium", "silent-partner", None),
        ("medium", "low-score", "trust"),
        ("low", "divergent-views", "trust"),
        ("low", "divergent-views", "power_balance"),
    ]
    ranks = [SEVERITY_RANK[f["severity"]] for f in report["flags"]]
    assert ranks == sorted(ranks, reverse=True)
    assert set(RULE_ORDER) >= rules_fired(report)
    for flag in report["flags"]:
        assert set(flag) == {
            "rule",
            "severity",
            "dimension",
            "partners",
            "evidence",
            "values",
            "recommendation",
            "confidence",
        }
        assert flag["evidence"] and flag["recommendation"]
        assert isinstance(flag["partners"], list)
    assert flags_of(report, "power-imbalance")[0]["partners"] == ["X", "Y"]
    assert report["pino_risk"] == "high"


def test_french_evidence_uses_decimal_commas() -> None:
    report = pino_round("fr")
    evidence = " ".join(f["evidence"] for f in report["flags"])
    assert not re.search(r"\d\.\d", evidence), evidence
    perception = flags_of(report, "perception-gap")[0]
    # the wording may change; the numbers are 5,00 for the lead, 1,50 for the others, 3,50 gap
    for part in ("Confiance", "(Lead)", "5,00", "1,50", "3,50 de moins"):
        assert part in perception["evidence"], perception["evidence"]
    assert "3,00 de moins" in flags_of(report, "power-imbalance")[0]["evidence"]
    assert "coopération" in flags_of(report, "role-mismatch")[0]["evidence"]
    # practices and default recommendations follow the language too
    assert perception["recommendation"] == "Pratique Confiance."
    assert flags_of(report, "silent-partner")[0]["recommendation"].startswith("Demandez")


def test_french_share_and_number_formats() -> None:
    assert format_number(2.5, "fr") == "2,50"
    assert format_number(2.5, "en") == "2.50"
    assert format_share(4 / 6, "fr") == "67 %"
    assert format_share(4 / 6, "en") == "67%"
    partners = [partner(n) for n in "ABC"]
    rows = [*many("A", 4, **tp(4, 4)), ("B", tp(4, 4)), ("C", tp(4, 4))]
    [flag] = flags_of(run(Q, partners, rows, "fr"), "dominant-voice")
    assert "4 des 6 réponses (67 %)" in flag["evidence"]


# ---------------------------------------------------------------------------------------------
# Configuration from the instrument's rules: block


def test_rule_disabled_in_yaml_does_not_fire() -> None:
    q = instrument(
        extra="rules:\n  perception-gap: {enabled: false}\n  low-score: {enabled: false}\n"
    )
    report = pino_round(q=q)
    assert "perception-gap" not in rules_fired(report)
    assert "low-score" not in rules_fired(report)
    assert "power-imbalance" in rules_fired(report)
    # power-imbalance, role-mismatch and silent-partner: three signals -> still high
    assert report["pino_risk"] == "high"


def test_every_rule_can_be_switched_off() -> None:
    off = "".join(f"  {rule}: {{enabled: false}}\n" for rule in RULE_ORDER)
    report = pino_round(q=instrument(extra="rules:\n" + off))
    assert report["flags"] == []
    assert report["pino_risk"] == "none"


def test_perception_gap_threshold_from_yaml() -> None:
    q = instrument(extra="rules:\n  perception-gap: {gap: 2.0}\n")
    partners = [partner("Lead", lead=True), partner("A")]
    # gap 5 - 3.5 = 1.5: fires by default, not with gap: 2.0
    rows = [("Lead", tp(5)), ("A", tp(3)), ("A", tp(4))]
    assert flags_of(run(Q, partners, rows), "perception-gap")
    assert not flags_of(run(q, partners, rows), "perception-gap")
    # gap 5 - 3 = 2.0: fires with gap: 2.0
    assert flags_of(run(q, partners, [("Lead", tp(5)), ("A", tp(3))]), "perception-gap")


def test_divergent_views_thresholds_from_yaml() -> None:
    q = instrument(extra="rules:\n  divergent-views: {sd: 0.5, min_partners: 2}\n")
    rows = [("A", tp(3, 3)), ("B", tp(4, 3))]
    # trust 3 and 4: sd = 0.5 with two partners -> fires only under the new thresholds
    partners = [partner("A"), partner("B")]
    assert not flags_of(run(Q, partners, rows), "divergent-views")
    [flag] = flags_of(run(q, partners, rows), "divergent-views")
    assert flag["dimension"] == "trust"


def test_dominant_voice_thresholds_from_yaml() -> None:
    q = instrument(extra="rules:\n  dominant-voice: {share: 0.6, min_partners: 2}\n")
    partners = [partner("A"), partner("B")]
    # 3 of 5 = 0.6: not more than 0.6
    rows = many("A", 3, **tp(4, 4)) + many("B", 2, **tp(4, 4))
    assert not flags_of(run(q, partners, rows), "dominant-voice")
    # 2 of 3 = 0.667 > 0.6, two partners responding is now enough
    rows = many("A", 2, **tp(4, 4)) + many("B", 1, **tp(4, 4))
    assert flags_of(run(q, partners, rows), "dominant-voice")
    assert not flags_of(run(Q, partners, rows), "dominant-voice")


def test_power_imbalance_thresholds_from_yaml() -> None:
    q = instrument(extra="rules:\n  power-imbalance: {below: 4.0, gap: 2.0}\n")
    partners = [partner("Lead", lead=True), partner("X")]
    rows = [("Lead", tp(None, 5)), ("X", tp(None, 4))]
    # partnership 4.5 not below 4.0; gap 1.0 below the new 2.0 -> nothing
    assert not flags_of(run(q, partners, rows), "power-imbalance")
    assert flags_of(run(Q, partners, rows), "power-imbalance")
    rows = [("Lead", tp(None, 4)), ("X", tp(None, 3))]
    # partnership 3.5 < 4.0 -> fires and names X (3 < 4)
    [flag] = flags_of(run(q, partners, rows), "power-imbalance")
    assert flag["partners"] == ["X"]


def test_severity_and_recommendation_from_yaml() -> None:
    q = instrument(
        extra="rules:\n"
        "  low-score:\n"
        "    severity: high\n"
        "    recommendation: {en: Talk it through., fr: Parlez-en.}\n"
    )
    rows = [("A", tp(2, 4))]
    report = run(q, [partner("A")], rows)
    [flag] = report["flags"]
    assert flag["severity"] == "high"
    assert flag["recommendation"] == "Talk it through."
    assert run(q, [partner("A")], rows, "fr")["flags"][0]["recommendation"] == "Parlez-en."
    # low-score is not a signal, but a high-severity flag makes the risk medium
    assert report["pino_risk"] == "medium"
    assert run(Q, [partner("A")], rows)["pino_risk"] == "low"


def test_bands_from_yaml_move_the_low_score_line() -> None:
    q = instrument(extra="bands: {strength: 4.5, borderline: 3.5}\n")
    rows = [("A", tp(3, 4))]
    # trust 3.0: borderline by default, concern when borderline starts at 3.5
    assert not flags_of(run(Q, [partner("A")], rows), "low-score")
    [flag] = flags_of(run(q, [partner("A")], rows), "low-score")
    assert "below 3.50" in flag["evidence"]


def test_recommendation_falls_back_to_the_default_practice() -> None:
    q = instrument(practices=False)
    partners = [partner("A"), partner("Quiet", invited=1)]
    [flag] = run(q, partners, [("A", tp(4, 4))])["flags"]
    assert flag["rule"] == "silent-partner"
    assert flag["recommendation"].startswith("Ask the partner")


# ---------------------------------------------------------------------------------------------
# pino_risk


def f(rule: str, severity: str = "medium") -> dict[str, Any]:
    return {"rule": rule, "severity": severity}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], "none"),
        ([f("low-score")], "low"),
        ([f("divergent-views", "low"), f("low-score")], "low"),
        ([f("silent-partner")], "low"),
        ([f("silent-partner"), f("silent-partner")], "low"),  # one rule, twice
        ([f("silent-partner"), f("role-mismatch")], "medium"),
        ([f("dominant-voice"), f("low-score", "high")], "medium"),
        ([f("power-imbalance", "high")], "medium"),
        ([f("power-imbalance", "low")], "low"),
        ([f("power-imbalance", "low"), f("perception-gap", "low")], "high"),
        ([f("silent-partner"), f("role-mismatch"), f("dominant-voice")], "high"),
        ([f("perception-gap"), f("low-score"), f("divergent-views")], "low"),
    ],
)
def test_pino_risk_levels(flags: list[dict[str, Any]], expected: str) -> None:
    assert pino_risk(flags) == expected


def test_pino_risk_high_from_a_real_round() -> None:
    partners = [partner("Lead", lead=True), partner("A"), partner("B")]
    rows = [("Lead", tp(5, 5)), ("A", tp(3, 3)), ("B", tp(3, 4))]
    report = run(Q, partners, rows)
    # power_balance: A is 2 below the lead -> power-imbalance; trust 5 - 3 = 2 -> perception-gap
    assert {"power-imbalance", "perception-gap"} <= rules_fired(report)
    assert report["pino_risk"] == "high"


def test_pino_risk_none_for_a_healthy_round() -> None:
    partners = [partner("Lead", lead=True, invited=1), partner("A", invited=2), partner("B")]
    rows = [("Lead", tp(4, 4)), ("A", tp(4, 5)), ("A", tp(5, 4)), ("B", tp(4, 4))]
    report = run(Q, partners, rows)
    assert report["flags"] == []
    assert report["pino_risk"] == "none"
