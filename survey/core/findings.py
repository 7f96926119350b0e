"""Findings: the flags grouped by what they are about, as a facilitator would say them.

One finding per dimension (every rule that fired on it) and one per partner for the rules
about a partner (silent partner, role mismatch, dominant voice). Each has a combined severity,
one plain sentence, its evidence with each partner and number said once, the rules behind it,
its confidence and one practice to try. The flags stay in the report as the detailed record.
No Flask here; the method is in ``docs/scoring.md``.
"""

from __future__ import annotations

from typing import Any

from survey.core.questionnaire import SEVERITY_RANK, Questionnaire
from survey.core.report import CONFIDENCE_LEVELS, RULE_ORDER, Finding, Flag, ScoreReport
from survey.core.wording import finding_words, format_number, join_words

_BY_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}
# Three or more rules agreeing on one thing weigh more than any one of them.
_CORROBORATION = 3


def combined_severity(flags: list[Flag]) -> str:
    """The highest severity of the flags, one step up (to at most high) when three or more
    distinct rules fire on the same thing."""
    top = max(SEVERITY_RANK[f["severity"]] for f in flags)
    if len({f["rule"] for f in flags}) >= _CORROBORATION:
        top = min(top + 1, SEVERITY_RANK["high"])
    return _BY_RANK[top]


def combined_confidence(flags: list[Flag]) -> str:
    """The least confidence among the flags: a finding is as firm as its weakest part."""
    return min((f["confidence"] for f in flags), key=CONFIDENCE_LEVELS.index)


def build_findings(questionnaire: Questionnaire, report: ScoreReport, lang: str) -> list[Finding]:
    flags = report["flags"]
    titles = {d["id"]: d["title"] for d in report["dimensions"]}
    w = finding_words(lang)

    def n(value: float) -> str:
        return format_number(value, lang)

    by_dimension: dict[str, list[Flag]] = {}
    by_partner: dict[str, list[Flag]] = {}
    for flag in flags:
        if flag["dimension"] is not None:
            by_dimension.setdefault(flag["dimension"], []).append(flag)
        else:
            for name in flag["partners"]:
                by_partner.setdefault(name, []).append(flag)

    findings: list[Finding] = []
    for dim, group in by_dimension.items():
        rules = _rules(group)
        findings.append(
            _finding(
                "dimension",
                dim,
                None,
                titles[dim],
                group,
                w["dimension"].format(
                    dimension=titles[dim], parts=join_words([w[r] for r in rules], lang)
                ),
                _dimension_evidence(questionnaire, report, dim, group, w, n),
            )
        )
    for name, group in by_partner.items():
        rules = _rules(group)
        findings.append(
            _finding(
                "partner",
                None,
                name,
                name,
                group,
                w["partner"].format(partner=name, parts=join_words([w[r] for r in rules], lang)),
                [f["evidence"] for f in sorted(group, key=lambda f: RULE_ORDER.index(f["rule"]))],
            )
        )
    dim_order = {d: i for i, d in enumerate(titles)}
    partner_order = {p["partner"]: i for i, p in enumerate(report["partners"])}
    findings.sort(
        key=lambda f: (
            -SEVERITY_RANK[f["severity"]],
            -len(f["rules"]),
            f["about"] != "dimension",
            dim_order.get(f["dimension"] or "", 0),
            partner_order.get(f["partner"] or "", 0),
        )
    )
    return findings


def _rules(group: list[Flag]) -> list[str]:
    return sorted({f["rule"] for f in group}, key=RULE_ORDER.index)


def _finding(
    about: str,
    dimension: str | None,
    partner: str | None,
    title: str,
    group: list[Flag],
    summary: str,
    evidence: list[str],
) -> Finding:
    ordered = sorted(
        group, key=lambda f: (-SEVERITY_RANK[f["severity"]], RULE_ORDER.index(f["rule"]))
    )
    named: list[str] = []
    for flag in ordered:
        named += [p for p in flag["partners"] if p not in named]
    return {
        "about": about,
        "dimension": dimension,
        "partner": partner,
        "title": title,
        "severity": combined_severity(group),
        "summary": summary,
        "evidence": evidence,
        "rules": _rules(group),
        "partners": named,
        "confidence": combined_confidence(group),
        # One practice: the most severe flag's (for a dimension, usually its first practice).
        "recommendation": next((f["recommendation"] for f in ordered if f["recommendation"]), ""),
    }


def _dimension_evidence(
    questionnaire: Questionnaire,
    report: ScoreReport,
    dim: str,
    group: list[Flag],
    w: dict[str, str],
    n: Any,
) -> list[str]:
    """The numbers behind a dimension's finding, each partner and each number once."""
    p = report["partnership"]
    rules = {f["rule"]: f for f in group}
    lines = []
    score = p["scores"][dim]
    spread = report["spread"][dim]
    if score is not None:
        line = w["partnership"].format(score=n(score))
        ci = p["ci"][dim]
        if ci is not None:
            line += w["interval"].format(low=n(ci[0]), high=n(ci[1]), n=spread["partners"])
        lines.append(line)
    gap_flag = rules.get("perception-gap")
    if gap_flag is not None:
        v = gap_flag["values"]
        leads = ", ".join(x["partner"] for x in report["partners"] if x["lead"])
        lines.append(
            w["lead"].format(
                lead=leads, lead_score=n(v["lead"]), others=n(v["others"]), gap=n(v["gap"])
            )
        )
    power = rules.get("power-imbalance")
    if gap_flag is None and power is not None and power["values"].get("lead") is not None:
        leads = ", ".join(x["partner"] for x in report["partners"] if x["lead"])
        lines.append(w["lead_only"].format(lead=leads, lead_score=n(power["values"]["lead"])))
    if power is not None and power["values"].get("partners"):
        rule = questionnaire.rules.power_imbalance
        listed = ", ".join(
            f"{name} ({n(s)})" for name, s in power["values"]["partners"].items() if s is not None
        )
        lines.append(w["behind"].format(below=n(rule.below), gap=n(rule.gap), partners=listed))
    if "divergent-views" in rules and spread["sd"] is not None:
        lines.append(
            # The lowest and highest partners are named above or on the charts: the SD only.
            w["range"].format(sd=n(spread["sd"]), n=spread["partners"])
        )
    return lines
