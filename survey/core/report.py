"""The score report's shape: the one thing that flows from scoring into dashboards, PDFs,
exports and the CLI (exactly what ``survey score --format json`` prints), with the rule ids that
its flags name. Declared once, here, so that every reader checks against the same types.
"""

from __future__ import annotations

from typing import Any, TypedDict


class Spread(TypedDict):
    sd: float | None
    min: float | None
    max: float | None
    partners: int


class Agreement(TypedDict):
    """How much a partner's own respondents agree on a dimension (``docs/scoring.md``)."""

    ad: float
    rwg: float


# A 95 % interval ``[low, high]`` on the scale; null below two values.
Interval = list[float] | None


class PartnershipScores(TypedDict):
    scores: dict[str, float | None]
    ci: dict[str, Interval]
    bands: dict[str, str | None]
    na_share: dict[str, float | None]
    respondents: int
    invited: int | None
    response_rate: float | None


class PartnerScores(TypedDict):
    partner: str
    sector: str
    lead: bool
    role: str | None
    reported_role: str | None
    role_counts: dict[str, int]
    respondents: int
    invited: int | None
    response_rate: float | None
    scores: dict[str, float | None]
    ci: dict[str, Interval]
    agreement: dict[str, Agreement | None]
    # Dimensions on which the partner's own respondents disagree beyond the AD bound: its
    # mean hides a split.
    split: list[str]
    bands: dict[str, str | None]
    na_share: dict[str, float | None]


class Finding(TypedDict):
    """Flags grouped by what they are about: one dimension, or one partner."""

    about: str  # "dimension" or "partner"
    dimension: str | None
    partner: str | None
    title: str
    severity: str
    summary: str
    evidence: list[str]
    rules: list[str]
    partners: list[str]
    confidence: str
    recommendation: str


class ScoreReport(TypedDict):
    questionnaire: dict[str, Any]
    language: str
    dimensions: list[dict[str, Any]]
    bands: dict[str, float]
    rules: dict[str, dict[str, Any]]
    partnership: PartnershipScores
    partners: list[PartnerScores]
    spread: dict[str, Spread]
    items: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    flags: list[Flag]
    pino_risk: str
    verdict_confidence: str
    findings: list[Finding]
    # The minimum group size the report was made with, and whether the round was below it
    # (then only counts are shown).
    privacy: dict[str, Any]
    # Responses, scored partners and partners listed: what the verdict rests on.
    basis: dict[str, int]


# Scores are means of means, so a score of exactly 4.0 can come out as 3.9999999999999996;
# a score within this of a cut-off is at the cut-off (the risk rules use the same tolerance).
CUT_OFF_TOLERANCE = 1e-9


class Flag(TypedDict):
    """One rule firing: what it is about, the evidence in words and in numbers, a practice."""

    rule: str
    severity: str
    dimension: str | None
    partners: list[str]
    evidence: str
    values: dict[str, Any]
    recommendation: str
    confidence: str


# How far the verdict can be trusted, least first.
CONFIDENCE_LEVELS = ("insufficient", "indicative", "firm")

# The risk rules, in the order they are evaluated and shown.
RULE_ORDER = (
    "power-imbalance",
    "perception-gap",
    "role-mismatch",
    "silent-partner",
    "dominant-voice",
    "divergent-views",
    "low-score",
)
# The rules that speak of unequal power, voice or involvement: the marks of a partnership that
# exists on paper. Low scores and divergent views matter, but on their own they are not that.
PINO_SIGNALS = frozenset(
    {"power-imbalance", "perception-gap", "role-mismatch", "silent-partner", "dominant-voice"}
)
