"""Signs of a "partnership in name only", read from a score report.

Each rule yields flags with the numbers that fired it (``evidence``, in words, and ``values``)
and a practice to try, worded as a prompt for a conversation at the table, not a verdict.
Thresholds and severities come from the instrument's ``rules:`` block. The overall
``pino_risk`` is documented in ``docs/scoring.md``. No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from survey.core.confidence import confidence_of
from survey.core.questionnaire import ROLE_CONTINUUM, SEVERITY_RANK, Questionnaire
from survey.core.report import (
    CUT_OFF_TOLERANCE,
    PINO_SIGNALS,
    RULE_ORDER,
    Flag,
    PartnerScores,
    ScoreReport,
)
from survey.core.wording import (
    default_practice,
    evidence_sentence,
    format_number,
    format_share,
    role_name,
)


class _Rules:
    """One evaluation of all rules over one report, in one language."""

    def __init__(self, questionnaire: Questionnaire, report: ScoreReport, language: str) -> None:
        self.q = questionnaire
        self.report = report
        self.lang = language
        self.titles = {d["id"]: d["title"] for d in report["dimensions"]}
        self.partners = report["partners"]
        self.leads = [p for p in self.partners if p["lead"]]

    def n(self, value: float) -> str:
        return format_number(value, self.lang)

    def say(self, key: str, **values: Any) -> str:
        return evidence_sentence(key, self.lang, **values)

    def recommendation(self, rule_id: str, dimension: str | None) -> str:
        configured = self.q.rules.get(rule_id).recommendation
        if configured:
            return self.q.text(configured, self.lang)
        if dimension is not None:
            practices = self.q.dimension_by_id[dimension].practices
            if practices:
                return self.q.text(practices[0], self.lang)
        return default_practice(rule_id, self.lang)

    def flag(
        self,
        rule_id: str,
        dimension: str | None,
        partners: Sequence[str],
        evidence: Sequence[str],
        values: dict[str, Any],
        rests_on: Sequence[str] | None = None,
    ) -> Flag:
        """``rests_on``: the partners whose answers the flag's evidence rests on (all of
        them when None); the flag's confidence is the verdict's rule applied to them."""
        basis = (
            self.partners
            if rests_on is None
            else [p for p in self.partners if p["partner"] in set(rests_on)]
        )
        return {
            "rule": rule_id,
            "severity": self.q.rules.get(rule_id).severity,  # type: ignore[attr-defined]
            "dimension": dimension,
            "partners": list(partners),
            "evidence": " ".join(evidence),
            "values": values,
            "recommendation": self.recommendation(rule_id, dimension),
            "confidence": confidence_of(basis, self.q.confidence)[0],
        }

    def lead_score(self, dimension: str) -> tuple[str, float] | None:
        scored = [p for p in self.leads if p["scores"][dimension] is not None]
        if not scored:
            return None
        names = ", ".join(p["partner"] for p in scored)
        return names, sum(p["scores"][dimension] for p in scored) / len(scored)  # type: ignore[misc]

    # -- the rules ------------------------------------------------------------------------

    def silent_partner(self) -> list[Flag]:
        return [
            self.flag(
                "silent-partner",
                None,
                [p["partner"]],
                [self.say("silent-partner", partner=p["partner"], invited=p["invited"])],
                {"invited": p["invited"], "respondents": 0},
            )
            for p in self.partners
            if (p["invited"] or 0) >= 1 and p["respondents"] == 0
        ]

    def power_imbalance(self) -> list[Flag]:
        rule = self.q.rules.power_imbalance
        dim = rule.dimension
        overall = self.report["partnership"]["scores"].get(dim)
        evidence: list[str] = []
        named: list[str] = []
        values: dict[str, Any] = {"partnership": overall}
        whole = overall is not None and overall < rule.below - CUT_OFF_TOLERANCE
        if overall is not None and whole:
            evidence.append(
                self.say(
                    "power-imbalance-low",
                    score=self.n(overall),
                    dimension=self.titles[dim],
                    below=self.n(rule.below),
                )
            )
            named += [
                p["partner"]
                for p in self.partners
                if p["scores"][dim] is not None
                and p["scores"][dim] < rule.below - CUT_OFF_TOLERANCE  # type: ignore[operator]
            ]
        lead = self.lead_score(dim)
        if lead is not None:
            lead_names, lead_value = lead
            values["lead"] = lead_value
            for p in self.partners:
                s = p["scores"][dim]
                if p["lead"] or s is None or lead_value - s < rule.gap - CUT_OFF_TOLERANCE:
                    continue
                evidence.append(
                    self.say(
                        "power-imbalance-gap",
                        partner=p["partner"],
                        score=self.n(s),
                        dimension=self.titles[dim],
                        gap=self.n(lead_value - s),
                        lead=lead_names,
                        lead_score=self.n(lead_value),
                    )
                )
                if p["partner"] not in named:
                    named.append(p["partner"])
        if not evidence:
            return []
        values["partners"] = {name: self._score_of(name, dim) for name in named}
        # A gap to the lead rests on the partners named and the lead; a low partnership score
        # on every partner.
        rests_on = None if whole else [*named, *(p["partner"] for p in self.leads)]
        return [self.flag("power-imbalance", dim, named, evidence, values, rests_on)]

    def _score_of(self, name: str, dim: str) -> float | None:
        return next(p["scores"][dim] for p in self.partners if p["partner"] == name)

    def perception_gap(self) -> list[Flag]:
        rule = self.q.rules.perception_gap
        flags = []
        for dim in self.titles:
            lead = self.lead_score(dim)
            others = [
                p["scores"][dim]
                for p in self.partners
                if not p["lead"] and p["scores"][dim] is not None
            ]
            if lead is None or not others:
                continue
            lead_names, lead_value = lead
            others_mean = sum(others) / len(others)  # type: ignore[arg-type]
            gap = lead_value - others_mean
            if (
                gap < rule.gap - CUT_OFF_TOLERANCE
            ):  # tolerance: 4.2 - 3.2 must count as a gap of 1.0
                continue
            flags.append(
                self.flag(
                    "perception-gap",
                    dim,
                    [p["partner"] for p in self.leads],
                    [
                        self.say(
                            "perception-gap",
                            dimension=self.titles[dim],
                            lead=lead_names,
                            lead_score=self.n(lead_value),
                            others=self.n(others_mean),
                            gap=self.n(gap),
                        )
                    ],
                    {"lead": lead_value, "others": others_mean, "gap": gap},
                )
            )
        return flags

    def role_mismatch(self) -> list[Flag]:
        flags = []
        for p in self.partners:
            listed, reported = p["role"], p["reported_role"]
            if listed not in ROLE_CONTINUUM or reported is None:
                continue
            if ROLE_CONTINUUM.index(reported) >= ROLE_CONTINUUM.index(listed):
                continue
            total = sum(p["role_counts"].values())
            flags.append(
                self.flag(
                    "role-mismatch",
                    None,
                    [p["partner"]],
                    [
                        self.say(
                            "role-mismatch",
                            partner=p["partner"],
                            listed=role_name(listed, self.lang),
                            reported=role_name(reported, self.lang),
                            count=p["role_counts"][reported],
                            total=total,
                        )
                    ],
                    {"listed": listed, "reported": reported, "role_counts": p["role_counts"]},
                    [p["partner"]],
                )
            )
        return flags

    def divergent_views(self) -> list[Flag]:
        rule = self.q.rules.divergent_views
        flags = []
        for dim, spread in self.report["spread"].items():
            sd = spread["sd"]
            if (
                sd is None
                or spread["partners"] < rule.min_partners
                or sd < rule.sd - CUT_OFF_TOLERANCE
            ):
                continue
            flags.append(
                self.flag(
                    "divergent-views",
                    dim,
                    [],
                    [
                        self.say(
                            "divergent-views",
                            dimension=self.titles[dim],
                            min=self.n(spread["min"]),  # type: ignore[arg-type]
                            max=self.n(spread["max"]),  # type: ignore[arg-type]
                            sd=self.n(sd),
                            n=spread["partners"],
                        )
                    ],
                    dict(spread),
                )
            )
        return flags

    def dominant_voice(self) -> list[Flag]:
        rule = self.q.rules.dominant_voice
        responding: list[PartnerScores] = [p for p in self.partners if p["respondents"] > 0]
        total = sum(p["respondents"] for p in responding)
        if len(responding) < rule.min_partners or total == 0:
            return []
        return [
            self.flag(
                "dominant-voice",
                None,
                [p["partner"]],
                [
                    self.say(
                        "dominant-voice",
                        partner=p["partner"],
                        count=p["respondents"],
                        total=total,
                        share=format_share(p["respondents"] / total, self.lang),
                        n=len(responding),
                    )
                ],
                {
                    "respondents": p["respondents"],
                    "total": total,
                    "share": p["respondents"] / total,
                },
            )
            for p in responding
            if p["respondents"] / total > rule.share
        ]

    def low_score(self) -> list[Flag]:
        borderline = self.q.bands.borderline
        return [
            self.flag(
                "low-score",
                dim,
                [],
                [
                    self.say(
                        "low-score",
                        score=self.n(s),
                        dimension=self.titles[dim],
                        borderline=self.n(borderline),
                    )
                ],
                {"score": s},
            )
            for dim, s in self.report["partnership"]["scores"].items()
            if s is not None and self.report["partnership"]["bands"][dim] == "concern"
        ]


def evaluate(
    questionnaire: Questionnaire, report: ScoreReport, language: str
) -> tuple[list[Flag], str]:
    """All flags that fire on ``report``, most severe first, and the overall pino_risk."""
    rules = _Rules(questionnaire, report, language)
    flags: list[Flag] = []
    for rule_id in RULE_ORDER:
        if questionnaire.rules.get(rule_id).enabled:
            flags.extend(getattr(rules, rule_id.replace("-", "_"))())
    dim_order = {d: i for i, d in enumerate(rules.titles)}
    flags.sort(
        key=lambda f: (
            -SEVERITY_RANK[f["severity"]],
            RULE_ORDER.index(f["rule"]),
            dim_order.get(f["dimension"], -1),
        )
    )
    return flags, pino_risk(flags)


def pino_risk(flags: Sequence[Flag]) -> str:
    """Overall risk of a partnership in name only.

    ``none``: no flag. ``high``: power-imbalance and perception-gap both fire (the lead sees
    a partnership the others do not, and power is unequal), or three or more distinct signal
    rules fire. ``medium``: two distinct signal rules, or any flag of high severity.
    ``low``: anything else (low scores, divergent views, a single signal).
    """
    if not flags:
        return "none"
    fired = {f["rule"] for f in flags}
    signals = fired & PINO_SIGNALS
    if {"power-imbalance", "perception-gap"} <= fired or len(signals) >= 3:
        return "high"
    if len(signals) == 2 or any(f["severity"] == "high" for f in flags):
        return "medium"
    return "low"
