"""Small instruments and rounds built in code for the domain-core tests (no Flask).

``instrument({"trust": 4, "power_balance": 2}, reverse={"trust_4"})`` gives a valid
questionnaire whose dimension ``trust`` has the likert items ``trust_1`` .. ``trust_4`` on a
1-5 scale with a "don't know" (``na``) option, plus a ``partner_role`` single-choice question
and a ``comments`` text question. ``run(q, partners, rows)`` scores a round given as
``(partner, answers)`` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from survey.core.questionnaire import Questionnaire, parse_questionnaire
from survey.core.report import ScoreReport
from survey.core.scoring import AnswerSet, PartnerInfo, answer_set, score

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TINY = FIXTURES / "tiny.yaml"
INVALID = FIXTURES / "invalid"

TITLES = {
    "trust": ("Trust", "Confiance"),
    "power_balance": ("Power balance", "Équilibre des pouvoirs"),
    "goals": ("Shared goals", "Objectifs communs"),
    "six": ("Six items", "Six items"),
}


def instrument_yaml(
    dimensions: Mapping[str, int],
    *,
    reverse: Iterable[str] = (),
    extra: str = "",
    practices: bool = True,
) -> str:
    """The YAML text of an instrument with ``dimensions[d]`` likert items in dimension d."""
    reverse = set(reverse)
    lines = [
        "id: built",
        'version: "2"',
        "languages: [en, fr]",
        "title: {en: Built, fr: Construit}",
        "intro: {en: Built in a test., fr: Construit dans un test.}",
        "scales:",
        "  agree:",
        "    options:",
    ]
    lines += [f"      - {{value: {v}, label: {{en: 'E{v}', fr: 'F{v}'}}}}" for v in range(1, 6)]
    lines += ["    na: {label: {en: Don't know, fr: Ne sait pas}}", "dimensions:"]
    for dim in dimensions:
        en, fr = TITLES.get(dim, (dim, dim))
        lines += [
            f"  - id: {dim}",
            f"    title: {{en: {en}, fr: {fr}}}",
            f"    description: {{en: About {en}., fr: Au sujet de {fr}.}}",
        ]
        if practices:
            lines.append(f"    practices: [{{en: Practice {en}., fr: Pratique {fr}.}}]")
    lines += ["sections:", "  - id: main", "    title: {en: Main, fr: Principal}", "    questions:"]
    for dim, count in dimensions.items():
        for i in range(1, count + 1):
            item = f"{dim}_{i}"
            rev = ", reverse: true" if item in reverse else ""
            lines.append(
                f"      - {{id: {item}, type: likert, scale: agree, dimension: {dim}{rev}, "
                f"text: {{en: {item}, fr: {item}}}}}"
            )
    lines += [
        "      - id: partner_role",
        "        type: single",
        '        text: {en: "Role?", fr: "Rôle?"}',
        "        options:",
    ]
    for role in ("communication", "cooperation", "coordination", "collaboration"):
        lines.append(f"          - {{value: {role}, label: {{en: {role}, fr: {role}}}}}")
    lines.append('      - {id: comments, type: text, text: {en: "Comments?", fr: "Commentaires?"}}')
    return "\n".join(lines) + "\n" + extra


def instrument(
    dimensions: Mapping[str, int] | None = None,
    *,
    reverse: Iterable[str] = (),
    extra: str = "",
    practices: bool = True,
) -> Questionnaire:
    """A parsed instrument; by default trust (1 item) and power_balance (1 item)."""
    dims = dict(dimensions or {"trust": 1, "power_balance": 1})
    text = instrument_yaml(dims, reverse=reverse, extra=extra, practices=practices)
    return parse_questionnaire(text, "built.yaml")


def partner(
    name: str,
    *,
    lead: bool = False,
    role: str | None = None,
    invited: int | None = None,
    sector: str = "",
) -> PartnerInfo:
    return PartnerInfo(name=name, sector=sector, lead=lead, role=role, invited=invited)


def answers_of(
    q: Questionnaire,
    partners: Sequence[PartnerInfo],
    rows: Iterable[tuple[str, Mapping[str, Any]]],
) -> AnswerSet:
    return answer_set(q, partners, [(f"r{i}", p, a) for i, (p, a) in enumerate(rows, 1)])


def run(
    q: Questionnaire,
    partners: Sequence[PartnerInfo],
    rows: Iterable[tuple[str, Mapping[str, Any]]],
    language: str | None = None,
) -> ScoreReport:
    """Score ``rows`` of ``(partner, answers)``; respondents are numbered r1, r2, ..."""
    return score(q, partners, answers_of(q, partners, rows), language)


def many(partner_name: str, count: int, **answers: Any) -> list[tuple[str, dict[str, Any]]]:
    """``count`` respondents of ``partner_name`` who all give the same ``answers``."""
    return [(partner_name, dict(answers)) for _ in range(count)]


def partner_row(report: ScoreReport, name: str) -> Any:
    return next(p for p in report["partners"] if p["partner"] == name)


def flags_of(report: ScoreReport, rule: str) -> list[dict[str, Any]]:
    return [f for f in report["flags"] if f["rule"] == rule]
