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
from survey.core.questionnaire import ROLE_CONTINUUM
from survey.core.risks import RULE_NAMES, RULE_ORDER, format_number, format_share, role_name

# The glyph beside each band, so that a band reads in greyscale and without colour.
# No mark without a score: "—" alone says it (a dot after the dash read as a stray one).
BAND_MARKS = {"strength": "▲", "borderline": "◆", "concern": "▼", None: ""}
TOP_FLAGS = 3
# The summary page holds the reading, strengths and concerns, the first flags and the radar:
# the chart and the flags' evidence are sized so that it keeps to one page in French too,
# whose sentences run longer (the chart cannot break, so it went to a page of its own).
SUMMARY_CHART_MM = 108
SUMMARY_EVIDENCE = 170  # characters of whole sentences; the rest is on the flags page
PARTNER_CHART_MM = 135.0
# The name under which small partners are pooled (survey.store.round_scores.OTHER_PARTNERS).
OTHER_PARTNERS = {"en": "Other partners", "fr": "Autres partenaires"}


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
    report: dict[str, Any], details: ReportDetails, partner: str | None = None
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
        "risk": _risk(report, w),
        "top_flags": [
            {**row, "evidence": summary_evidence(row["evidence"], w)}
            for row in flag_rows[:TOP_FLAGS]
        ],
        "radar": radar_html(spec, width_mm=SUMMARY_CHART_MM),
        "radar_hidden": hidden,
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
            _partner_page(report, p, titles, fmt, w, chart=partner is None)
            for p in report["partners"]
            if partner is None or p["partner"] == partner
        ],
        "flags": flag_rows,
        "other_flags": _other_flags(len(report["flags"]) - len(flags), w),
        "comments": _comments(report, details) if partner is None else None,
        "method": _method(report, details, fmt, w, titles),
    }


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


def _risk(report: dict[str, Any], w: dict[str, str]) -> dict[str, str]:
    """The overall reading in words; never an all-clear for a round nobody has answered."""
    level = report["pino_risk"] if report["partnership"]["respondents"] else "empty"
    return {"level": level, "sentence": w[f"risk_{level}"]}


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
    report: dict[str, Any], details: ReportDetails, fmt: _Formatter, w: dict[str, str]
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
    report: dict[str, Any], titles: dict[str, str], fmt: _Formatter, w: dict[str, str]
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
                "band": _band(p["bands"][dim], w),
                "sd": fmt.num(spread["sd"]),
                "range": "—" if low is None else f"{fmt.num(low)}–{fmt.num(high)}",
                "na": fmt.share(p["na_share"][dim]),
            }
        )
    return rows


def _matrix(report: dict[str, Any], fmt: _Formatter) -> dict[str, Any]:
    """Partner × dimension scores, each cell with its band mark."""
    dims = [d["id"] for d in report["dimensions"]]
    return {
        "columns": [d["title"] for d in report["dimensions"]],
        "rows": [
            {
                "partner": p["partner"],
                "lead": p["lead"],
                "respondents": p["respondents"],
                "cells": [
                    (fmt.num(p["scores"][d]), p["bands"][d] or "none", BAND_MARKS[p["bands"][d]])
                    for d in dims
                ],
            }
            for p in report["partners"]
        ],
    }


def _partner_page(
    report: dict[str, Any],
    partner: dict[str, Any],
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
    flag: dict[str, Any],
    titles: dict[str, str],
    w: dict[str, str],
    lang: str,
    hidden_names: Sequence[str],
) -> dict[str, Any]:
    """A flag as printed; in a partner copy, evidence that names another partner is replaced."""
    rule_names = RULE_NAMES.get(lang, RULE_NAMES["en"])
    evidence = flag["evidence"]
    if any(name and name in evidence for name in hidden_names):
        evidence = w["hidden_evidence"]
    return {
        "rule": rule_names.get(flag["rule"], flag["rule"]),
        "rule_id": flag["rule"],
        "severity": flag["severity"],
        "severity_label": w[flag["severity"]],
        "dimension": titles.get(flag["dimension"], "") if flag["dimension"] else "",
        "partners": ", ".join(n for n in flag["partners"] if n not in hidden_names),
        "evidence": evidence,
        "recommendation": flag["recommendation"],
    }


def _comments(report: dict[str, Any], details: ReportDetails) -> list[dict[str, Any]]:
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
    report: dict[str, Any],
    details: ReportDetails,
    fmt: _Formatter,
    w: dict[str, str],
    titles: dict[str, str],
) -> dict[str, Any]:
    lang = fmt.lang
    bands = report["bands"]
    strength, borderline = fmt.num(bands["strength"]), fmt.num(bands["borderline"])
    conditions = RULE_CONDITIONS.get(lang, RULE_CONDITIONS["en"])
    rule_names = RULE_NAMES.get(lang, RULE_NAMES["en"])
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
                "name": rule_names.get(rule_id, rule_id),
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
