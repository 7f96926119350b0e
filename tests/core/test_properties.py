"""Properties of scoring that must hold for any round (hypothesis)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.core.scoring import band, respondent_scores, score
from tests.core.helpers import answers_of, instrument, partner

DIMS = {"trust": 4, "goals": 3, "power_balance": 2}
REVERSED = {"trust_4", "goals_3"}
Q = instrument(DIMS, reverse=REVERSED)
Q_FORWARD = instrument(DIMS)  # the same items, none reverse-keyed
ITEMS = [q.id for q in Q.questions() if q.dimension is not None]
VALUES = st.sampled_from([1, 2, 3, 4, 5, "na", None])
BAND_RANK = {"concern": 0, "borderline": 1, "strength": 2}

fast = settings(max_examples=200, deadline=None)

Row = tuple[str, dict[str, Any]]


@st.composite
def rounds(draw: Any, max_respondents: int = 12) -> tuple[list[Any], list[Row]]:
    """Partners P0..Pn (the first may lead) and rows of answers to every scored item."""
    n = draw(st.integers(1, 4))
    names = [f"P{i}" for i in range(n)]
    partners = [
        partner(
            name, lead=(i == 0 and draw(st.booleans())), invited=draw(st.none() | st.integers(0, 5))
        )
        for i, name in enumerate(names)
    ]
    answers = st.fixed_dictionaries({item: VALUES for item in ITEMS})
    rows = draw(st.lists(st.tuples(st.sampled_from(names), answers), max_size=max_respondents))
    return partners, rows


def report_of(q: Any, partners: list[Any], rows: list[Row]) -> Any:
    return score(q, partners, answers_of(q, partners, rows))


def scores_of(report: Any) -> dict[tuple[str, str], float | None]:
    """Every partner's and the partnership's score, keyed for comparison."""
    out: dict[tuple[str, str], float | None] = {
        ("partnership", d): s for d, s in report["partnership"]["scores"].items()
    }
    for row in report["partners"]:
        out.update({(row["partner"], d): s for d, s in row["scores"].items()})
    return out


def same(a: float | None, b: float | None, tol: float = 0.0) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= tol


@fast
@given(rounds(), st.data())
def test_duplicating_a_partners_respondents_changes_no_score(
    round_: tuple[list[Any], list[Row]], data: st.DataObject
) -> None:
    partners, rows = round_
    who = data.draw(st.sampled_from([p.name for p in partners]))
    doubled = rows + [(p, dict(a)) for p, a in rows if p == who]
    before = scores_of(report_of(Q, partners, rows))
    after = scores_of(report_of(Q, partners, doubled))
    assert before.keys() == after.keys()
    for key in before:
        # the mean of a list and of the list twice over differ at most in the last bits
        assert same(before[key], after[key], 1e-9), (key, before[key], after[key])


@fast
@given(rounds())
def test_reverse_item_equals_the_mirrored_answer_on_a_forward_item(
    round_: tuple[list[Any], list[Row]],
) -> None:
    partners, rows = round_
    mirrored = [
        (p, {k: (6 - v if k in REVERSED and isinstance(v, int) else v) for k, v in a.items()})
        for p, a in rows
    ]
    assert scores_of(report_of(Q, partners, rows)) == scores_of(
        report_of(Q_FORWARD, partners, mirrored)
    )


@fast
@given(rounds(), st.data())
def test_turning_blanks_into_na_changes_no_score(
    round_: tuple[list[Any], list[Row]], data: st.DataObject
) -> None:
    partners, rows = round_
    changed = []
    for p, answers in rows:
        new = dict(answers)
        for item, value in answers.items():
            if value is None and data.draw(st.booleans()):
                new[item] = "na"
        changed.append((p, new))
    before = report_of(Q, partners, rows)
    after = report_of(Q, partners, changed)
    assert scores_of(before) == scores_of(after)
    assert before["spread"] == after["spread"]


@fast
@given(
    st.floats(1, 5),
    st.floats(1, 5),
    st.floats(1, 5, exclude_max=True).flatmap(
        lambda b: st.tuples(st.just(b), st.floats(b, 5, exclude_min=True))
    ),
)
def test_bands_are_monotone_in_the_score(
    low: float, high: float, cuts: tuple[float, float]
) -> None:
    borderline, strength = cuts
    low, high = sorted((low, high))
    assert BAND_RANK[band(low, strength, borderline)] <= BAND_RANK[band(high, strength, borderline)]  # type: ignore[index]


@fast
@given(rounds())
def test_partnership_score_lies_between_the_partner_scores(
    round_: tuple[list[Any], list[Row]],
) -> None:
    partners, rows = round_
    report = report_of(Q, partners, rows)
    for dim, overall in report["partnership"]["scores"].items():
        scored = [p["scores"][dim] for p in report["partners"] if p["scores"][dim] is not None]
        if not scored:
            assert overall is None
            continue
        assert min(scored) - 1e-12 <= overall <= max(scored) + 1e-12
        spread = report["spread"][dim]
        assert (spread["min"], spread["max"], spread["partners"]) == (
            min(scored),
            max(scored),
            len(scored),
        )


@fast
@given(rounds())
def test_every_score_is_on_the_scale(round_: tuple[list[Any], list[Row]]) -> None:
    partners, rows = round_
    answers = answers_of(Q, partners, rows)
    for column in respondent_scores(Q, answers).values():
        finite = column[~np.isnan(column)]
        assert ((finite >= 1) & (finite <= 5)).all()
    report = score(Q, partners, answers)
    for value in scores_of(report).values():
        assert value is None or 1 - 1e-12 <= value <= 5 + 1e-12
    for row in report["partners"]:
        for dim, value in row["scores"].items():
            cuts = report["bands"]
            assert row["bands"][dim] == band(value, cuts["strength"], cuts["borderline"])
        for share in row["na_share"].values():
            assert share is None or 0 <= share <= 1
        assert row["response_rate"] is None or not math.isnan(row["response_rate"])
