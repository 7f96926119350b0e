"""Pooling keeps the promise "per organisation, never per person": no row of the score report
rests on fewer than N respondents, whatever the sizes of the partners."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.core.pooling import pool_partners, pooled_members
from survey.core.scoring import score
from tests.core.helpers import answers_of, instrument, many, partner

Q = instrument({"trust": 1, "power_balance": 1})


def test_small_partners_are_pooled_and_a_lone_pool_absorbs_the_next_smallest() -> None:
    names = ["Police", "Health", "Housing", "Schools"]
    # Schools alone (2) is below 3: it takes Housing (4), the next-smallest named partner.
    assert pooled_members(names, [9, 5, 4, 2], 3) == ["Housing", "Schools"]
    # Two small partners reaching 3 between them: no one else is needed.
    assert pooled_members(names, [9, 5, 1, 2], 3) == ["Housing", "Schools"]
    # Two small partners below 3 together: the next-smallest joins.
    assert pooled_members(names, [9, 5, 1, 1], 3) == ["Health", "Housing", "Schools"]
    # Silent partners keep their names; nobody small, no pool; N = 1 pools nothing.
    assert pooled_members(names, [9, 5, 0, 3], 3) == []
    assert pooled_members(names, [1, 1, 1, 1], 1) == []


def test_a_round_below_n_shows_counts_only() -> None:
    partners = [partner("A", lead=True), partner("B")]
    rows = many("A", 1, trust_1=5, power_balance_1=5, comments="Only me")
    rows += many("B", 1, trust_1=1, power_balance_1=1)
    infos, answers = pool_partners(partners, answers_of(Q, partners, rows), 3)
    report = score(Q, infos, answers, min_group=3)
    assert report["privacy"] == {"min_group": 3, "withheld": True}
    assert report["partnership"]["respondents"] == 2
    assert all(v is None for v in report["partnership"]["scores"].values())
    assert all(v is None for p in report["partners"] for v in p["scores"].values())
    assert report["items"] == []
    assert all(group["answers"] == [] for group in report["comments"])
    assert report["verdict_confidence"] == "insufficient"


def test_a_partner_dimension_answered_by_fewer_than_n_is_left_out() -> None:
    partners = [partner("A"), partner("B")]
    rows = many("A", 3, trust_1=4, power_balance_1=4)
    rows += many("B", 2, trust_1=2, power_balance_1=2) + many("B", 1, trust_1=2)
    report = score(Q, partners, answers_of(Q, partners, rows), min_group=3)
    b = next(p for p in report["partners"] if p["partner"] == "B")
    assert b["scores"] == {"trust": 2.0, "power_balance": None}  # only 2 answered it
    assert report["partnership"]["scores"]["power_balance"] == 4.0


sizes = st.lists(st.integers(0, 8), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(sizes, st.integers(1, 6))
def test_pooling_never_leaves_a_row_below_n(counts: list[int], minimum: int) -> None:
    partners = [partner(f"P{i}", lead=i == 0) for i in range(len(counts))]
    rows = []
    for i, count in enumerate(counts):
        rows += many(f"P{i}", count, trust_1=1 + (i % 5), power_balance_1=5 - (i % 5))
    infos, answers = pool_partners(partners, answers_of(Q, partners, rows), minimum)
    report = score(Q, infos, answers, min_group=minimum)
    for row in report["partners"]:
        if any(s is not None for s in row["scores"].values()):
            assert row["respondents"] >= minimum, (counts, minimum, row)
        if row["partner"] == "Other partners":
            members = pooled_members([p.name for p in partners], counts, minimum)
            # A pool is never one organisation's answers under another name.
            assert len(members) >= 2 or row["respondents"] == 0 or report["privacy"]["withheld"]
    if 0 < sum(counts) < minimum:
        assert report["privacy"]["withheld"]
        assert all(v is None for v in report["partnership"]["scores"].values())


def test_the_counts_behind_a_verdict_are_organisations_not_rows() -> None:
    # Six organisations; two answered, one of them pooled: the headline still says "of 6".
    partners = [partner(n, lead=n == "A") for n in "ABCDEF"]
    rows = many("A", 2, trust_1=5, power_balance_1=5)
    rows += many("B", 4, trust_1=2, power_balance_1=2)
    infos, answers = pool_partners(partners, answers_of(Q, partners, rows), 3)
    assert [p.name for p in infos] == ["C", "D", "E", "F", "Other partners"]
    report = score(Q, infos, answers, min_group=3)
    assert report["basis"] == {"respondents": 6, "partners": 6, "scored_partners": 2}
    lone = score(Q, *pool_partners(partners, answers_of(Q, partners, rows[:2]), 3), min_group=3)
    assert lone["basis"] == {"respondents": 2, "partners": 6, "scored_partners": 1}
