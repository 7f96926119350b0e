"""What a printed report says: the score report and the partnership's details, as the plain rows
the templates lay out (numbers formatted, bands named, charts drawn, partner copies filtered).

The templates only place what this module gives them, so the rules about what may be shown
(no other partner named in a partner copy, comments withheld below the minimum group size)
live here, in Python, where tests can read them. No Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reports.charts import radar_spec
from reports.svg import radar_html
from reports.words import RULE_CONDITIONS, format_date, words
from survey.core.pooling import OTHER_PARTNERS
from survey.core.questionnaire import ROLE_CONTINUUM
from survey.core.report import CUT_OFF_TOLERANCE, RULE_ORDER, Flag, PartnerScores, ScoreReport
from survey.core.wording import (
    confidence_name,
    confidence_sentence,
    format_number,
    format_share,
    role_name,
    rule_name,
)

# The glyph beside each band, so that a band reads in greyscale and without colour.
# No mark without a score: "—" alone says it (a dot after the dash read as a stray one).
BAND_MARKS = {"strength": "▲", "borderline": "◆", "concern": "▼", None: ""}
TOP_FLAGS = 3
SUMMARY_CHART_MM = 105  # small enough that the summary, findings and confidence keep to one page
SUMMARY_EVIDENCE = 170  # characters of whole sentences; the rest is on the flags page
PARTNER_CHART_MM = 135.0
# From this many partners on, the partner pages are compact (docs/decisions/0020): partners
# follow one another, several to a page, and a partner's radar is drawn only where its
# profile departs from the partnership's by at least DEPARTS_BY on some dimension. Twenty
# near-identical radars said nothing the table's "difference" column does not, and were
# most of the report's layout time.
COMPACT_FROM = 9
DEPARTS_BY = 0.5


@dataclass(frozen=True)
class ReportDetails:
    """What the score report does not know: which partnership and round, when, and for whom."""

    partnership: str
    round: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    generated_on: date = field(default_factory=date.today)
    min_group_size: int = 1
    author: str = ""


class UnknownPartner(ValueError):
    """A partner copy was asked for a name that the score report does not hold."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = list(known)
        super().__init__(f"no partner named {name!r} in the report")


def report_content(
    report: ScoreReport, details: ReportDetails, partner: str | None = None
) -> dict[str, Any]:
    """Everything the partnership template places, for the whole partnership or one partner."""
    lang = report["language"]
    w = words(lang)
    names = [p["partner"] for p in report["partners"]]
    if partner is not None and partner not in names:
        raise UnknownPartner(partner, names)
    fmt = _Formatter(lang)
    titles = {d["id"]: d["title"] for d in report["dimensions"]}
    others = [n for n in names if n != partner] if partner is not None else []

    own = next((p for p in report["partners"] if p["partner"] == partner), None)
    # A partner copy keeps the flags about that partner and those that name no partner.
    flags = [
        f
        for f in report["flags"]
        if partner is None or partner in f["partners"] or not f["partners"]
    ]
    flag_rows = [_flag_row(f, titles, w, lang, others) for f in flags]
    heading = w["partner_copy"] if partner else w["report"]
    title = " — ".join(x for x in (heading, details.partnership, details.round) if x)

    summary_scores = own["scores"] if own else report["partnership"]["scores"]
    summary_bands = own["bands"] if own else report["partnership"]["bands"]
    spec = radar_spec(report, partners=[partner] if partner else None)
    hidden = any(not s.visible for s in spec.series)
    compact = partner is None and len(report["partners"]) >= COMPACT_FROM

    return {
        "lang": lang,
        "w": w,
        "title": title,
        "heading": heading,
        "copy_for": w["copy_for"].format(partner=partner) if partner else "",
        "partner": partner,
        "details": details,
        "author": details.author,
        "cover": _cover(report, details, fmt, w),
        "risk": headline(report, w),
        "top_flags": [
            {**row, "evidence": summary_evidence(row["evidence"], w)}
            for row in flag_rows[:TOP_FLAGS]
        ],
        "top_findings": _findings(report, lang, w, others)[:TOP_FLAGS],
        # Below the minimum group size the round shows counts only: no chart of empty axes.
        "radar": ""
        if report.get("privacy", {}).get("withheld")
        else radar_html(spec, width_mm=SUMMARY_CHART_MM),
        "radar_hidden": hidden,
        "compact": compact,
        "strengths": [
            (titles[d], fmt.num(s))
            for d, s in summary_scores.items()
            if summary_bands[d] == "strength"
        ],
        "concerns": [
            (titles[d], fmt.num(s))
            for d, s in summary_scores.items()
            if summary_bands[d] == "concern"
        ],
        "dimensions": _dimension_rows(report, titles, fmt, w),
        "matrix": _matrix(report, fmt) if partner is None else None,
        "partners": [
            _partner_page(
                report,
                p,
                titles,
                fmt,
                w,
                chart=partner is None and (not compact or departs(report, p)),
            )
            for p in report["partners"]
            if partner is None or p["partner"] == partner
        ],
        "flags": flag_rows,
        "other_flags": _other_flags(len(report["flags"]) - len(flags), w),
        "comments": _comments(report, details) if partner is None else None,
        "method": _method(report, details, fmt, w, titles),
    }


def headline(report: ScoreReport, w: dict[str, str]) -> dict[str, str]:
    """The overall reading in words, read with its confidence; never an all-clear for a round
    nobody has answered, never "strong signs" when too few partners have answered to judge."""
    lang = report["language"]
    confidence = report.get("verdict_confidence", "firm")
    basis = report.get("basis") or {}
    if not report["partnership"]["respondents"]:
        return {"level": "empty", "sentence": w["risk_empty"], "note": ""}
    if confidence == "insufficient":
        return {
            "level": "insufficient",
            "sentence": confidence_sentence(confidence, basis, lang),
            "note": "",
        }
    level = report["pino_risk"]
    return {
        "level": level,
        "sentence": w[f"risk_{level}"],
        "note": confidence_sentence(confidence, basis, lang),
    }


def _findings(
    report: ScoreReport, lang: str, w: dict[str, str], hidden_names: Sequence[str]
) -> list[dict[str, Any]]:
    """The findings as printed; a partner copy drops the findings about other partners and
    any line of evidence that names one."""
    rows = []
    for finding in report.get("findings", []):
        if finding["partner"] is not None and finding["partner"] in hidden_names:
            continue
        evidence = [
            line for line in finding["evidence"] if not any(n and n in line for n in hidden_names)
        ]
        rows.append(
            {
                "title": finding["title"],
                "severity": finding["severity"],
                "severity_label": w[finding["severity"]],
                "confidence": finding["confidence"],
                "confidence_label": ""
                if finding["confidence"] == "firm"
                else confidence_name(finding["confidence"], lang),
                "summary": finding["summary"],
                "evidence": evidence,
                "rules": ", ".join(rule_name(r, lang) for r in finding["rules"]),
                "recommendation": finding["recommendation"],
            }
        )
    return rows


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def summary_evidence(evidence: str, w: dict[str, str], limit: int = SUMMARY_EVIDENCE) -> str:
    """A flag's evidence for the summary: its first sentences, whole, within ``limit``
    characters (always at least the first), and a pointer to the flags page when some are
    left out. Never cut inside a sentence: "1.83 below the lead (Riverside Police…" said
    less than nothing."""
    sentences = _SENTENCE_END.split(evidence.strip())
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    if len(kept) == len(sentences):
        return evidence.strip()
    return " ".join(kept) + " " + w["evidence_continues"].format(flags=w["flags"])


def _other_flags(count: int, w: dict[str, str]) -> str:
    """The partner copy's note on the flags it leaves out, in words, singular or plural."""
    if count <= 0:
        return ""
    return w["other_flags_one" if count == 1 else "other_flags_many"].format(count=count)


class _Formatter:
    def __init__(self, language: str) -> None:
        self.lang = language

    def num(self, value: float | None) -> str:
        return "—" if value is None else format_number(value, self.lang)

    def signed(self, value: float | None) -> str:
        if value is None:
            return "—"
        sign = "+" if value > 0.005 else ("−" if value < -0.005 else "")
        return sign + format_number(abs(value), self.lang)

    def share(self, value: float | None) -> str:
        return "—" if value is None else format_share(value, self.lang)


def _band(key: str | None, w: dict[str, str]) -> dict[str, str]:
    return {
        "key": key or "none",
        "mark": BAND_MARKS[key],
        "label": w[key] if key else w["no_score"],
    }


def _cover(
    report: ScoreReport, details: ReportDetails, fmt: _Formatter, w: dict[str, str]
) -> dict[str, str]:
    lang = fmt.lang
    p = report["partnership"]
    if details.opens_on or details.closes_on:
        dates = " ".join(
            w[key].format(date=format_date(day, lang))
            for key, day in (("opens", details.opens_on), ("closes", details.closes_on))
            if day
        )
    else:
        dates = w["no_dates"]
    if p["invited"]:
        rate = (
            f"{fmt.share(p['response_rate'])} ({p['respondents']} / {p['invited']} {w['invited']})"
        )
    else:
        rate = f"{p['respondents']} {w['respondents'].lower()}"
    q = report["questionnaire"]
    return {
        "dates": dates,
        "rate": rate,
        "language": w["language_name"],
        "generated": format_date(details.generated_on, lang),
        "instrument": f"{q['title']} ({q['id']} {q['version']})",
    }


def _dimension_rows(
    report: ScoreReport, titles: dict[str, str], fmt: _Formatter, w: dict[str, str]
) -> list[dict[str, Any]]:
    p = report["partnership"]
    rows = []
    for dim, title in titles.items():
        spread = report["spread"][dim]
        low, high = spread["min"], spread["max"]
        rows.append(
            {
                "title": title,
                "score": fmt.num(p["scores"][dim]),
                "ci": _interval(p.get("ci", {}).get(dim), fmt),
                "band": _band(p["bands"][dim], w),
                "sd": fmt.num(spread["sd"]),
                "range": "—" if low is None else f"{fmt.num(low)}–{fmt.num(high)}",
                "na": fmt.share(p["na_share"][dim]),
            }
        )
    return rows


def _interval(ci: list[float] | None, fmt: _Formatter) -> str:
    return "" if not ci else f"{fmt.num(ci[0])}–{fmt.num(ci[1])}"


def _split(report: ScoreReport, partner: PartnerScores) -> str:
    """The dimensions on which a partner's own respondents disagree beyond the AD bound."""
    titles = {d["id"]: d["title"] for d in report["dimensions"]}
    return ", ".join(titles[d] for d in partner.get("split", []))


def _matrix(report: ScoreReport, fmt: _Formatter) -> dict[str, Any]:
    """Partner × dimension scores, each cell with its band mark."""
    dims = [d["id"] for d in report["dimensions"]]
    return {
        "columns": [d["title"] for d in report["dimensions"]],
        "rows": [
            {
                "partner": p["partner"],
                "lead": p["lead"],
                "respondents": p["respondents"],
                "split": _split(report, p),
                "cells": [
                    (fmt.num(p["scores"][d]), p["bands"][d] or "none", BAND_MARKS[p["bands"][d]])
                    for d in dims
                ],
            }
            for p in report["partners"]
        ],
    }


def departs(report: ScoreReport, partner: PartnerScores) -> bool:
    """Whether a partner's score differs from the partnership's by DEPARTS_BY or more on some
    dimension: where its radar shows what a glance at the table would not."""
    overall = report["partnership"]["scores"]
    return any(
        mine is not None
        and (theirs := overall[dim]) is not None
        and abs(mine - theirs) >= DEPARTS_BY - CUT_OFF_TOLERANCE
        for dim, mine in partner["scores"].items()
    )


def _partner_page(
    report: ScoreReport,
    partner: PartnerScores,
    titles: dict[str, str],
    fmt: _Formatter,
    w: dict[str, str],
    chart: bool,
) -> dict[str, Any]:
    lang = fmt.lang
    overall = report["partnership"]["scores"]
    rows = []
    for dim, title in titles.items():
        mine, theirs = partner["scores"][dim], overall[dim]
        rows.append(
            {
                "title": title,
                "score": fmt.num(mine),
                "band": _band(partner["bands"][dim], w),
                "partnership": fmt.num(theirs),
                "difference": fmt.signed(None if mine is None or theirs is None else mine - theirs),
                "na": fmt.share(partner["na_share"][dim]),
            }
        )
    scored = any(v is not None for v in partner["scores"].values())
    listed, reported = partner["role"], partner["reported_role"]
    if listed in ROLE_CONTINUUM and reported in ROLE_CONTINUUM:
        order = ROLE_CONTINUUM.index(reported) - ROLE_CONTINUUM.index(listed)
        verdict = w["role_match" if order == 0 else ("role_lower" if order < 0 else "role_higher")]
    else:
        verdict = w["role_unknown"]
    counts = ", ".join(f"{role_name(role, lang)} {n}" for role, n in partner["role_counts"].items())
    rate = fmt.share(partner["response_rate"]) if partner["response_rate"] is not None else ""
    invited = f"{partner['invited']} {w['invited']}" if partner["invited"] is not None else ""
    return {
        "name": partner["partner"],
        "lead": partner["lead"],
        "split": _split(report, partner),
        "sector": partner["sector"],
        "respondents": partner["respondents"],
        "invited": invited,
        "rate": rate,
        "scored": scored,
        "radar": radar_html(
            radar_spec(report, partners=[partner["partner"]]), width_mm=PARTNER_CHART_MM
        )
        if chart and scored
        else "",
        "rows": rows,
        "listed_role": role_name(listed, lang) if listed else "—",
        "reported_role": role_name(reported, lang) if reported else "—",
        "role_counts": counts,
        "role_verdict": verdict,
        "mismatch": listed in ROLE_CONTINUUM
        and reported in ROLE_CONTINUUM
        and ROLE_CONTINUUM.index(reported) < ROLE_CONTINUUM.index(listed),
    }


def _flag_row(
    flag: Flag,
    titles: dict[str, str],
    w: dict[str, str],
    lang: str,
    hidden_names: Sequence[str],
) -> dict[str, Any]:
    """A flag as printed; in a partner copy, evidence that names another partner is replaced."""
    evidence = flag["evidence"]
    if any(name and name in evidence for name in hidden_names):
        evidence = w["hidden_evidence"]
    return {
        "rule": rule_name(flag["rule"], lang),
        "rule_id": flag["rule"],
        "severity": flag["severity"],
        "severity_label": w[flag["severity"]],
        "dimension": titles.get(flag["dimension"], "") if flag["dimension"] else "",
        "partners": ", ".join(n for n in flag["partners"] if n not in hidden_names),
        "evidence": evidence,
        "recommendation": flag["recommendation"],
    }


def _comments(report: ScoreReport, details: ReportDetails) -> list[dict[str, Any]]:
    """Open answers per question, withheld when there are fewer than the minimum group size:
    with two comments in a partnership of five, people can guess who wrote them."""
    minimum = max(1, details.min_group_size)
    return [
        {
            "question": group["text"],
            "answers": group["answers"] if len(group["answers"]) >= minimum else [],
            "withheld": 0 < len(group["answers"]) < minimum,
        }
        for group in report["comments"]
    ]


def _method(
    report: ScoreReport,
    details: ReportDetails,
    fmt: _Formatter,
    w: dict[str, str],
    titles: dict[str, str],
) -> dict[str, Any]:
    lang = fmt.lang
    bands = report["bands"]
    strength, borderline = fmt.num(bands["strength"]), fmt.num(bands["borderline"])
    conditions = RULE_CONDITIONS.get(lang, RULE_CONDITIONS["en"])
    rules = []
    for rule_id in RULE_ORDER:
        config = report["rules"].get(rule_id)
        if config is None:
            continue
        values = {
            key: (fmt.share(v) if key == "share" else fmt.num(v)) if isinstance(v, float) else v
            for key, v in config.items()
        }
        if "dimension" in values:
            values["dimension"] = titles.get(str(values["dimension"]), values["dimension"])
        rules.append(
            {
                "name": rule_name(rule_id, lang),
                "id": rule_id,
                "condition": conditions.get(rule_id, "").format(**values),
                "severity": w[config["severity"]] if config.get("enabled", True) else w["disabled"],
            }
        )
    q = report["questionnaire"]
    pooling = ""
    if details.min_group_size > 1:
        pooling = w["method_pooling"].format(
            n=details.min_group_size, other=OTHER_PARTNERS.get(lang, OTHER_PARTNERS["en"])
        )
    return {
        "bands": [
            _band("strength", w) | {"range": w["band_strength"].format(score=strength)},
            _band("borderline", w)
            | {"range": w["band_borderline"].format(low=borderline, high=strength)},
            _band("concern", w) | {"range": w["band_concern"].format(score=borderline)},
        ],
        "rules": rules,
        "pooling": pooling,
        "instrument": w["instrument_details"].format(
            title=q["title"], id=q["id"], version=q["version"]
        ),
        "sha256": q["sha256"],
    }
