"""The score report as a table a person can read in a terminal (``survey score``)."""

from __future__ import annotations

from survey.core.report import ScoreReport
from survey.core.wording import format_number, format_share, role_name, rule_name

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
        "flags": "Flags",
        "no_flags": "No flags.",
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
        "flags": "Signaux",
        "no_flags": "Aucun signal.",
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

    lines.append(f"{w['risk']}{colon} {w[report['pino_risk']]}")
    lines.append(f"{w['flags']}{colon}" if report["flags"] else w["no_flags"])
    for flag in report["flags"]:
        where = f" [{titles[flag['dimension']]}]" if flag["dimension"] else ""
        lines.append(
            f"  - {w[flag['severity']].upper()} {rule_name(flag['rule'], lang)} ({flag['rule']})"
            f"{where}{colon} {flag['evidence']}"
        )
        if flag["recommendation"]:
            lines.append(f"    {w['try']}{colon} {flag['recommendation']}")
    return "\n".join(lines)
