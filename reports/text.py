"""The score report as a table a person can read in a terminal (``survey score``)."""

from __future__ import annotations

from survey.core.report import ScoreReport
from survey.core.wording import (
    confidence_name,
    confidence_sentence,
    format_number,
    format_share,
    role_name,
    rule_name,
)

_WORDS = {
    "en": {
        "partnership": "Partnership",
        "respondents": "respondents",
        "rate": "response rate",
        "dimension": "Dimension",
        "band": "Band",
        "sd": "SD",
        "na": "Don't know",
        "partner": "Partner",
        "lead": "lead",
        "findings": "Findings",
        "no_findings": "No findings.",
        "no_responses": "No responses yet: there is nothing to read yet.",
        "signs": "Signs",
        "split": "split views on",
        "risk": "Risk of a partnership in name only",
        "try": "Try",
        "listed": "listed",
        "reported": "reported",
        "strength": "strength",
        "borderline": "borderline",
        "concern": "concern",
        "none": "none",
        "low": "low",
        "medium": "medium",
        "high": "high",
    },
    "fr": {
        "partnership": "Partenariat",
        "respondents": "répondants",
        "rate": "taux de réponse",
        "dimension": "Dimension",
        "band": "Zone",
        "sd": "É.-T.",
        "na": "Ne sait pas",
        "partner": "Partenaire",
        "lead": "responsable",
        "findings": "Constats",
        "no_findings": "Aucun constat.",
        "no_responses": "Aucune réponse pour l’instant : rien à lire encore.",
        "signs": "Signaux",
        "split": "avis partagés sur",
        "risk": "Risque de partenariat de façade",
        "try": "À essayer",
        "listed": "inscrit",
        "reported": "déclaré",
        "strength": "force",
        "borderline": "limite",
        "concern": "préoccupation",
        "none": "aucun",
        "low": "faible",
        "medium": "moyen",
        "high": "élevé",
    },
}


def render_text(report: ScoreReport) -> str:
    lang = report["language"]
    w = _WORDS.get(lang, _WORDS["en"])

    def num(value: float | None) -> str:
        return "—" if value is None else format_number(value, lang)

    def share(value: float | None) -> str:
        return "—" if value is None else format_share(value, lang)

    colon = "\u00a0:" if lang == "fr" else ":"  # French puts a (non-breaking) space before ':'
    lines: list[str] = []
    p = report["partnership"]
    title = report["questionnaire"]["title"]
    lines.append(f"{title} ({report['questionnaire']['id']} {report['questionnaire']['version']})")
    rate = f", {w['rate']} {share(p['response_rate'])}" if p["response_rate"] is not None else ""
    lines.append(f"{w['partnership']}{colon} {p['respondents']} {w['respondents']}{rate}")
    lines.append("")

    titles = {d["id"]: d["title"] for d in report["dimensions"]}
    width = max(len(w["dimension"]), *(len(t) for t in titles.values()))
    lines.append(
        f"{w['dimension']:<{width}}  {'':>5}  {w['band']:<13}  {w['sd']:>5}  {w['na']:>10}"
    )
    for dim, dim_title in titles.items():
        band = p["bands"][dim]
        lines.append(
            f"{dim_title:<{width}}  {num(p['scores'][dim]):>5}  {w.get(band or '', '—'):<13}  "
            f"{num(report['spread'][dim]['sd']):>5}  {share(p['na_share'][dim]):>10}"
        )
    lines.append("")

    short = [d["id"][:6] for d in report["dimensions"]]
    suffix = f" ({w['lead']})"
    name_width = max(
        [len(w["partner"])]
        + [len(x["partner"]) + (len(suffix) if x["lead"] else 0) for x in report["partners"]]
    )
    lines.append(f"{w['partner']:<{name_width}}  {'n':>4}  " + "  ".join(f"{s:>6}" for s in short))
    for partner in report["partners"]:
        name = partner["partner"] + (suffix if partner["lead"] else "")
        lines.append(
            f"{name:<{name_width}}  {partner['respondents']:>4}  "
            + "  ".join(f"{num(partner['scores'][d]):>6}" for d in titles)
        )
        if partner.get("split"):
            split = ", ".join(titles[d] for d in partner["split"])
            lines.append(f"{'':<{name_width}}  {w['split']}{colon} {split}")
        if partner["role"] or partner["reported_role"]:
            listed = role_name(partner["role"], lang) if partner["role"] else "—"
            reported = (
                role_name(partner["reported_role"], lang) if partner["reported_role"] else "—"
            )
            lines.append(
                f"{'':<{name_width}}  {w['listed']}{colon} {listed}; "
                f"{w['reported']}{colon} {reported}"
            )
    lines.append("")

    # The headline reads the risk together with how far it can be trusted.
    level = report.get("verdict_confidence", "firm")
    if not p["respondents"]:
        lines.append(w["no_responses"])
    elif level == "insufficient":
        lines.append(confidence_sentence(level, report["basis"], lang))
    else:
        lines.append(f"{w['risk']}{colon} {w[report['pino_risk']]}")
        lines.append(confidence_sentence(level, report["basis"], lang))
    findings = report.get("findings", [])
    lines.append(f"{w['findings']}{colon}" if findings else w["no_findings"])
    for number, finding in enumerate(findings, 1):
        sure = (
            ""
            if finding["confidence"] == "firm"
            else f" [{confidence_name(finding['confidence'], lang)}]"
        )
        lines.append(
            f"  {number}. {w[finding['severity']].upper()}{sure} {finding['title']}{colon} "
            f"{finding['summary']}"
        )
        lines.extend(f"     - {line}" for line in finding["evidence"])
        signs = ", ".join(f"{rule_name(r, lang)} ({r})" for r in finding["rules"])
        lines.append(f"     {w['signs']}{colon} {signs}")
        if finding["recommendation"]:
            lines.append(f"     {w['try']}{colon} {finding['recommendation']}")
    return "\n".join(lines)
