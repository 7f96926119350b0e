"""Answers -> scores per respondent, partner and partnership, as one plain-data score report.

The method (``docs/scoring.md``):

* a respondent's dimension score is the mean of their answered items after reverse-keying
  (``min + max - value``); ``na`` and blanks are not answers; it is null when fewer than half
  of the dimension's items are answered;
* a partner's score is the mean of its respondents' scores, and the partnership's score is the
  mean of its partners' scores: one voice per organisation, however many people it sends;
* beside every mean: the band, the spread across partners and the share of ``na`` answers.

Answers are held column by column (one numpy array per scored item) because a round can hold
100,000 respondents and per-respondent Python loops would take seconds. No Flask here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from survey.core.confidence import confidence_of, is_scored
from survey.core.findings import build_findings
from survey.core.questionnaire import NA, ROLE_CONTINUUM, Questionnaire
from survey.core.report import (
    CUT_OFF_TOLERANCE,
    Agreement,
    PartnerScores,
    ScoreReport,
    Spread,
)
from survey.core.risks import evaluate
from survey.core.stats import ad_bound, agreement_of, interval, mean_ci

# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class PartnerInfo:
    """An organisation in the partnership, as the partnership lists it."""

    name: str
    sector: str = ""
    lead: bool = False
    role: str | None = None  # the role the partnership lists for it, on ROLE_CONTINUUM
    invited: int | None = None
    members: int = 1  # organisations behind this row: more than 1 for a pool of small partners


@dataclass
class AnswerSet:
    """The answers of many respondents, one column per question.

    ``scored[item]`` holds the raw scale value of each respondent (NaN when blank or ``na``)
    and ``na[item]`` marks the ``na`` answers. ``other[question]`` holds the answers to
    unscored questions: a string or None (single choice, text) or a tuple (multiple choice).
    """

    respondents: list[str]
    partner_index: np.ndarray  # int array: position of each respondent's partner in `partners`
    scored: dict[str, np.ndarray]
    na: dict[str, np.ndarray]
    other: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.respondents)


class AnswerSetBuilder:
    """Collects answers respondent by respondent (web rounds, imports) into an AnswerSet."""

    def __init__(self, questionnaire: Questionnaire, partners: Sequence[PartnerInfo]) -> None:
        self.questionnaire = questionnaire
        self._partner_pos = {p.name: i for i, p in enumerate(partners)}
        self._items = [q.id for q in questionnaire.questions() if q.dimension is not None]
        self._others = [q.id for q in questionnaire.questions() if q.dimension is None]
        self._respondents: list[str] = []
        self._partners: list[int] = []
        self._values: dict[str, list[float]] = {i: [] for i in self._items}
        self._na: dict[str, list[bool]] = {i: [] for i in self._items}
        self._other: dict[str, list[Any]] = {i: [] for i in self._others}

    def add(self, respondent: str, partner: str, answers: Mapping[str, Any]) -> None:
        """Add one respondent. Likert answers are numbers, ``"na"`` or None (blank)."""
        self._respondents.append(respondent)
        self._partners.append(self._partner_pos[partner])
        for item in self._items:
            value = answers.get(item)
            is_na = value == NA
            self._na[item].append(is_na)
            self._values[item].append(math.nan if value is None or is_na else float(value))
        for question in self._others:
            self._other[question].append(answers.get(question))

    def build(self) -> AnswerSet:
        return AnswerSet(
            respondents=self._respondents,
            partner_index=np.asarray(self._partners, dtype=np.intp),
            scored={i: np.asarray(v, dtype=float) for i, v in self._values.items()},
            na={i: np.asarray(v, dtype=bool) for i, v in self._na.items()},
            other=self._other,
        )


def answer_set(
    questionnaire: Questionnaire,
    partners: Sequence[PartnerInfo],
    rows: Iterable[tuple[str, str, Mapping[str, Any]]],
) -> AnswerSet:
    """Build an AnswerSet from ``(respondent, partner, answers)`` rows."""
    builder = AnswerSetBuilder(questionnaire, partners)
    for respondent, partner, answers in rows:
        builder.add(respondent, partner, answers)
    return builder.build()


def band(score: float | None, strength: float, borderline: float) -> str | None:
    """``strength`` at or above its cut-off, ``borderline`` at or above that one, else
    ``concern``; None for a missing score."""
    if score is None:
        return None
    if score >= strength - CUT_OFF_TOLERANCE:
        return "strength"
    if score >= borderline - CUT_OFF_TOLERANCE:
        return "borderline"
    return "concern"


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def respondent_scores(questionnaire: Questionnaire, answers: AnswerSet) -> dict[str, np.ndarray]:
    """Each respondent's score per dimension (NaN where fewer than half the items answered)."""
    out: dict[str, np.ndarray] = {}
    n = len(answers)
    for dim_id, items in questionnaire.items_by_dimension.items():
        k = len(items)
        sums = np.zeros(n)
        counts = np.zeros(n, dtype=np.intp)
        for item in items:
            column = answers.scored[item.id]
            if item.reverse:
                scale = questionnaire.scales[item.scale or ""]
                column = (scale.minimum + scale.maximum) - column
            answered = ~np.isnan(column)
            sums += np.where(answered, column, 0.0)
            counts += answered
        with np.errstate(invalid="ignore", divide="ignore"):
            out[dim_id] = np.where(2 * counts >= k, sums / np.maximum(counts, 1), np.nan)
    return out


def dimension_scale(questionnaire: Questionnaire, dim_id: str) -> tuple[float, float, int]:
    """The lowest and highest value and the number of points of a dimension's scale (the
    widest, should its items use different scales)."""
    scales = [questionnaire.scales[i.scale or ""] for i in questionnaire.items_by_dimension[dim_id]]
    if not scales:
        return 1.0, 5.0, 5
    return (
        min(s.minimum for s in scales),
        max(s.maximum for s in scales),
        max(len(s.options) for s in scales),
    )


def _ci(values: np.ndarray, low: float, high: float) -> list[float] | None:
    found = mean_ci(values.tolist(), low, high)
    return None if found is None else [found[0], found[1]]


def _reported_role(values: Iterable[Any]) -> tuple[str | None, dict[str, int]]:
    counts = Counter(v for v in values if v in ROLE_CONTINUUM)
    if not counts:
        return None, {}
    top = max(counts.values())
    # On a tie the higher role wins: a flag must rest on a clear majority, not a coin toss.
    modal = max((r for r, c in counts.items() if c == top), key=ROLE_CONTINUUM.index)
    return modal, {r: counts[r] for r in ROLE_CONTINUUM if r in counts}


def score(
    questionnaire: Questionnaire,
    partners: Sequence[PartnerInfo],
    answers: AnswerSet,
    language: str | None = None,
    phase: str | None = None,
    min_group: int = 1,
) -> ScoreReport:
    """Score a round: the whole score report, flags and overall risk included.

    ``phase`` is the round's status where there is a round (``draft``, ``open``, ``closed``):
    a draft round has no flags at all, since nobody has been asked anything yet.

    ``min_group`` is the smallest group a number may rest on (pool small partners first, with
    ``survey.core.pooling``): a partner's score on a dimension that fewer respondents answered
    is left out, and a round below it shows counts only, no scores, answers or comments.
    """
    withheld = 0 < len(answers) < min_group
    if withheld:
        answers = _counts_only(answers)

    lang = language or questionnaire.default_language
    bands_cfg = questionnaire.bands
    n_partners = len(partners)
    pidx = answers.partner_index
    respondents_per_partner = np.bincount(pidx, minlength=n_partners)
    dim_ids = [d.id for d in questionnaire.dimensions]

    per_respondent = respondent_scores(questionnaire, answers)
    partner_scores: dict[str, np.ndarray] = {}
    partner_na: dict[str, np.ndarray] = {}
    partnership_scores: dict[str, float | None] = {}
    partnership_na: dict[str, float | None] = {}
    partnership_ci: dict[str, list[float] | None] = {}
    spread: dict[str, Spread] = {}
    partner_ci: dict[str, list[list[float] | None]] = {}
    partner_agreement: dict[str, list[Agreement | None]] = {}
    scales = {d: dimension_scale(questionnaire, d) for d in dim_ids}
    for dim_id in dim_ids:
        values = per_respondent[dim_id]
        ok = ~np.isnan(values)
        low, high, points = scales[dim_id]
        sums = np.bincount(pidx[ok], weights=values[ok], minlength=n_partners)
        counts = np.bincount(pidx[ok], minlength=n_partners)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Below the minimum group, a partner's score could single people out: left out.
            means = np.where(counts >= max(1, min_group), sums / np.maximum(counts, 1), np.nan)
            # Interval and agreement per partner, column-wise (no loop over respondents): the
            # squared and absolute deviations from each respondent's own partner mean.
            deviation = values[ok] - (sums / np.maximum(counts, 1))[pidx[ok]]
        squares = np.bincount(pidx[ok], weights=deviation**2, minlength=n_partners)
        absolute = np.bincount(pidx[ok], weights=np.abs(deviation), minlength=n_partners)
        partner_ci[dim_id] = []
        partner_agreement[dim_id] = []
        for i in range(n_partners):
            n = int(counts[i])
            if n < max(2, min_group):
                partner_ci[dim_id].append(None)
                partner_agreement[dim_id].append(None)
                continue
            mean, variance = sums[i] / n, squares[i] / (n - 1)
            partner_ci[dim_id].append(interval(mean, variance, n, low, high))
            partner_agreement[dim_id].append(agreement_of(absolute[i] / n, variance, points))
        partner_scores[dim_id] = means

        items = questionnaire.items_by_dimension[dim_id]
        na_counts = np.zeros(n_partners)
        given_counts = np.zeros(n_partners)
        for item in items:
            na = answers.na[item.id]
            given = na | ~np.isnan(answers.scored[item.id])
            na_counts += np.bincount(pidx, weights=na, minlength=n_partners)
            given_counts += np.bincount(pidx, weights=given, minlength=n_partners)
        with np.errstate(invalid="ignore", divide="ignore"):
            partner_na[dim_id] = np.where(given_counts > 0, na_counts / given_counts, np.nan)
        total_given = given_counts.sum()
        partnership_na[dim_id] = float(na_counts.sum() / total_given) if total_given else None

        scored_partners = means[~np.isnan(means)]
        partnership_ci[dim_id] = _ci(scored_partners, low, high)
        if scored_partners.size:
            partnership_scores[dim_id] = float(scored_partners.mean())
            spread[dim_id] = {
                "sd": float(scored_partners.std()),  # population SD: the partners are all of them
                "min": float(scored_partners.min()),
                "max": float(scored_partners.max()),
                "partners": int(scored_partners.size),
            }
        else:
            partnership_scores[dim_id] = None
            spread[dim_id] = {"sd": None, "min": None, "max": None, "partners": 0}

    def bands_of(scores: Mapping[str, float | None]) -> dict[str, str | None]:
        return {d: band(s, bands_cfg.strength, bands_cfg.borderline) for d, s in scores.items()}

    role_question = questionnaire.rules.role_mismatch.question
    role_answers = answers.other.get(role_question)
    partner_rows: list[PartnerScores] = []
    for i, partner in enumerate(partners):
        scores = {d: _num(partner_scores[d][i]) for d in dim_ids}
        n_resp = int(respondents_per_partner[i])
        if role_answers is not None:
            reported, role_counts = _reported_role(
                role_answers[j] for j in np.flatnonzero(pidx == i)
            )
        else:
            reported, role_counts = None, {}
        agreements = {d: partner_agreement[d][i] for d in dim_ids}
        partner_rows.append(
            {
                "partner": partner.name,
                "sector": partner.sector,
                "lead": partner.lead,
                "role": partner.role,
                "reported_role": reported,
                "role_counts": role_counts,
                "respondents": n_resp,
                "invited": partner.invited,
                "response_rate": n_resp / partner.invited if partner.invited else None,
                "scores": scores,
                "ci": {d: partner_ci[d][i] for d in dim_ids},
                "agreement": agreements,
                "split": [
                    d
                    for d, a in agreements.items()
                    if a is not None and a["ad"] > ad_bound(scales[d][2]) + CUT_OFF_TOLERANCE
                ],
                "bands": bands_of(scores),
                "na_share": {d: _num(partner_na[d][i]) for d in dim_ids},
            }
        )

    # The overall rate counts only partners whose invitations are known.
    known = [p for p in partner_rows if p["invited"]]
    invited_total = sum(p["invited"] or 0 for p in known) if known else None
    rate = sum(p["respondents"] for p in known) / invited_total if invited_total else None

    report: ScoreReport = {
        "questionnaire": {
            "id": questionnaire.id,
            "version": str(questionnaire.version),
            "sha256": questionnaire.sha256,
            "title": questionnaire.text(questionnaire.title, lang),
        },
        "language": lang,
        "dimensions": [
            {
                "id": d.id,
                "title": questionnaire.text(d.title, lang),
                "description": questionnaire.text(d.description, lang),
                "practices": [questionnaire.text(p, lang) for p in d.practices],
                "scale": {
                    "min": scales[d.id][0],
                    "max": scales[d.id][1],
                    "points": scales[d.id][2],
                },
                "ad_bound": ad_bound(scales[d.id][2]),
            }
            for d in questionnaire.dimensions
        ],
        "bands": {"strength": bands_cfg.strength, "borderline": bands_cfg.borderline},
        "rules": {
            rule_id: questionnaire.rules.get(rule_id).model_dump(exclude={"recommendation"})
            for rule_id in (
                "silent-partner",
                "power-imbalance",
                "perception-gap",
                "role-mismatch",
                "divergent-views",
                "dominant-voice",
                "low-score",
            )
        },
        "partnership": {
            "scores": partnership_scores,
            "ci": partnership_ci,
            "bands": bands_of(partnership_scores),
            "na_share": partnership_na,
            "respondents": len(answers),
            "invited": invited_total,
            "response_rate": rate,
        },
        "partners": partner_rows,
        "spread": spread,
        "items": [] if withheld else _item_distributions(questionnaire, answers, lang),
        "comments": _comments(questionnaire, answers, lang),
        "privacy": {"min_group": min_group, "withheld": withheld},
        "flags": [],
        "pino_risk": "none",
        "verdict_confidence": "insufficient",
        "findings": [],
        "basis": {},
    }
    verdict, _rows = confidence_of(partner_rows, questionnaire.confidence)
    report["verdict_confidence"] = verdict
    # What the verdict rests on, in organisations (a pool counts its members), as people say
    # it: "2 responses from 2 of 6 partners". While withheld, nothing is scored on purpose:
    # count the organisations that answered.
    answered = [
        (respondents_per_partner[i] > 0) if withheld else is_scored(row)
        for i, row in enumerate(partner_rows)
    ]
    report["basis"] = {
        "respondents": len(answers),
        "partners": sum(p.members for p in partners),
        "scored_partners": sum(p.members for p, ok in zip(partners, answered, strict=True) if ok),
    }
    if phase == "draft":
        return report  # nobody has been asked anything yet: nothing to flag
    flags, risk = evaluate(questionnaire, report, lang)
    report["flags"] = flags
    report["pino_risk"] = risk
    report["findings"] = build_findings(questionnaire, report, lang)
    return report


def _counts_only(answers: AnswerSet) -> AnswerSet:
    """The same respondents and partners with every answer blanked: counts, nothing else."""
    n = len(answers)
    return AnswerSet(
        respondents=answers.respondents,
        partner_index=answers.partner_index,
        scored={k: np.full(n, np.nan) for k in answers.scored},
        na={k: np.zeros(n, dtype=bool) for k in answers.na},
        other={k: [None] * n for k in answers.other},
    )


def _item_distributions(
    questionnaire: Questionnaire, answers: AnswerSet, lang: str
) -> list[dict[str, Any]]:
    items = []
    for question in questionnaire.questions():
        if question.dimension is None:
            continue
        column = answers.scored[question.id]
        options = [
            {
                "value": option.value,
                "label": questionnaire.text(option.label, lang),
                "count": int(np.count_nonzero(column == float(option.value))),
            }
            for option in questionnaire.options_of(question)
        ]
        items.append(
            {
                "id": question.id,
                "dimension": question.dimension,
                "text": questionnaire.text(question.text, lang),
                "reverse": question.reverse,
                "options": options,
                "na": int(np.count_nonzero(answers.na[question.id])),
                "blank": int(np.count_nonzero(np.isnan(column) & ~answers.na[question.id])),
            }
        )
    return items


def _comments(questionnaire: Questionnaire, answers: AnswerSet, lang: str) -> list[dict[str, Any]]:
    groups = []
    for question in questionnaire.questions():
        if question.type != "text":
            continue
        texts = [t.strip() for t in answers.other.get(question.id, []) if t and t.strip()]
        # Sorted, not in respondent order, so that order cannot tie a comment to a person.
        groups.append(
            {
                "question": question.id,
                "text": questionnaire.text(question.text, lang),
                "answers": sorted(texts, key=str.casefold),
            }
        )
    return groups
