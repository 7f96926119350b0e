"""How far a verdict can be trusted, from how many partners and people it rests on.

``insufficient``: too few partners have a score to say anything about the partnership;
``indicative``: enough partners, but some rest on one or two people, or too few of those
invited answered; ``firm``: neither. Thresholds come from the instrument's ``confidence:``
block (``docs/scoring.md``). No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence

from survey.core.questionnaire import Confidence
from survey.core.report import PartnerScores


def is_scored(partner: PartnerScores) -> bool:
    """A partner with at least one respondent who has a score."""
    return any(s is not None for s in partner["scores"].values())


def confidence_of(
    partners: Sequence[PartnerScores], settings: Confidence
) -> tuple[str, dict[str, int]]:
    """The confidence of a verdict resting on ``partners``, and what it rests on (partners
    listed, partners scored)."""
    listed = len(partners)
    scored = [p for p in partners if is_scored(p)]
    basis = {"partners": listed, "scored_partners": len(scored)}
    if (
        not scored
        or len(scored) < min(settings.min_partners, listed)
        or len(scored) < listed * settings.min_partner_share
    ):
        return "insufficient", basis
    known = [p for p in partners if p["invited"]]
    invited = sum(p["invited"] or 0 for p in known)
    rate = sum(p["respondents"] for p in known) / invited if invited else None
    if any(p["respondents"] < settings.min_respondents for p in scored) or (
        rate is not None and rate < settings.min_response_rate
    ):
        return "indicative", basis
    return "firm", basis
