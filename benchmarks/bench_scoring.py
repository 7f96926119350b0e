"""Scoring 10,000 and 100,000 respondents on the default instrument (goal: 100,000 < 1 s).

Answers are generated column by column, as the CSV reader and the web app hand them to the
scorer; building them is timed separately from scoring.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np

from benchmarks.timing import best_of, emit
from survey.core.questionnaire import ROLE_CONTINUUM, load_questionnaire
from survey.core.scoring import AnswerSet, PartnerInfo, score

INSTRUMENT = Path(__file__).resolve().parent.parent / "questionnaires" / "partnership-health.yaml"


def synthetic_round(
    n: int, n_partners: int = 12, seed: int = 7
) -> tuple[object, list[PartnerInfo], AnswerSet]:
    q = load_questionnaire(INSTRUMENT)
    rng = np.random.default_rng(seed)
    partners = [
        PartnerInfo(f"Partner {i}", "sector", i == 0, ROLE_CONTINUUM[i % 4], n // n_partners + 5)
        for i in range(n_partners)
    ]
    scored, na, other = {}, {}, {}
    for question in q.questions():
        if question.dimension is not None:
            values = rng.integers(1, 6, n).astype(float)
            is_na = rng.random(n) < 0.05
            blank = rng.random(n) < 0.03
            values[is_na | blank] = np.nan
            scored[question.id], na[question.id] = values, is_na
        elif question.type == "single":
            other[question.id] = list(rng.choice([str(o.value) for o in question.options or []], n))
        else:
            other[question.id] = [None] * n
    answers = AnswerSet(
        respondents=[str(i) for i in range(n)],
        partner_index=rng.integers(0, n_partners, n),
        scored=scored,
        na=na,
        other=other,
    )
    return q, partners, answers


def run() -> None:
    for n in (10_000, 100_000):
        q, partners, answers = synthetic_round(n)
        seconds = best_of(3, partial(score, q, partners, answers))  # type: ignore[arg-type]
        emit(f"score_{n}_s", seconds, "s")
