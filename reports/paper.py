"""The paper questionnaire: an instrument printed in one language, with boxes to tick.

Paper mode's other half (``survey.store.paper_import`` reads the answers back): the partnership, the
partner and the round are printed on every page, and each question's id and each box's value
are printed discreetly beside them, so that whoever types a form into the import file knows
which column and which value every tick stands for. Consecutive likert questions on the same
scale share a grid whose header (the scale's labels, repeated on each page) sits above the
boxes; choice questions list their options, each with a box; text questions get ruled lines.
Reverse-keyed items look like any others. No Flask here: the questionnaire and the details
are plain data, and the PDF comes from ``reports.pdf``, like every printed document.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from weasyprint.urls import URLFetcher

from reports.pdf import DOCUMENTS, render_pdf, render_template
from reports.pdf_cache import PdfCache
from reports.words import format_date, words
from survey.core.questionnaire import NA, Question, Questionnaire

DOCUMENT = "paper_form"
# Ruled lines under a text question: about one per 300 characters it accepts, within bounds.
CHARACTERS_PER_LINE = 300
MIN_LINES, MAX_LINES = 4, 10
# The grid's columns of boxes share what the question column leaves them.
GRID_BOXES_MM = 90.0
MAX_BOX_COLUMN_MM = 15.0


@dataclass(frozen=True)
class FormDetails:
    """What the instrument does not know: which partnership, partner and round, and who
    prepared the form (the person it is returned to)."""

    partnership: str
    partner: str = ""  # blank: the respondent writes their organisation on the first page
    round: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    author: str = ""


class UnknownLanguage(ValueError):
    """The form was asked for in a language the instrument has no text in."""

    def __init__(self, language: str, known: list[str]) -> None:
        self.language = language
        self.known = known
        super().__init__(f"language {language!r}: the instrument has {', '.join(known)}")


def paper_form_content(
    questionnaire: Questionnaire, language: str, details: FormDetails
) -> dict[str, Any]:
    """Everything the paper form's template places: the cover, the sections and their blocks
    (``grid``, ``choice`` or ``text``), the words in ``language``, the running strings."""
    if language not in questionnaire.languages:
        raise UnknownLanguage(language, list(questionnaire.languages))
    w = words(language)
    q = questionnaire

    def text(value: Any) -> str:
        return q.text(value, language)

    # The cover says what the online form enforces (the instrument's `required`), and the
    # fewer of the two kinds of question carry a mark: "optional" beside two comment boxes
    # rather than "required" beside forty statements.
    required = [question.required for question in q.questions()]
    mark_optional = sum(required) * 2 >= len(required)
    mark = w["form_mark_optional"] if mark_optional else w["form_mark_required"]
    marks = {
        question.id: mark
        for question in q.questions()
        if any(required) and question.required != mark_optional
    }
    sections = []
    number = 0
    has_multiple = has_text = False
    na_labels: list[str] = []
    multiple_example = ""
    for section in q.sections:
        blocks: list[dict[str, Any]] = []
        for question in section.questions:
            number += 1
            row = {
                "number": number,
                "id": question.id,
                "text": text(question.text),
                "help": text(question.help),
            }
            if question.type == "likert":
                na = q.na_of(question)
                if na is not None and text(na.label) not in na_labels:
                    na_labels.append(text(na.label))
                last = blocks[-1] if blocks else None
                if last and last["kind"] == "grid" and last["scale"] == question.scale:
                    last["rows"].append(row)
                else:
                    blocks.append(_grid(q, question, text, row))
            elif question.type in ("single", "multiple"):
                options = [
                    {"value": str(o.value), "label": text(o.label)} for o in q.options_of(question)
                ]
                if question.type == "multiple":
                    has_multiple = True
                    multiple_example = multiple_example or ";".join(o["value"] for o in options[:2])
                blocks.append(
                    {
                        "kind": "choice",
                        **row,
                        "multiple": question.type == "multiple",
                        "options": options,
                    }
                )
            else:
                has_text = True
                blocks.append({"kind": "text", **row, "lines": _lines(question)})
        sections.append(
            {"title": text(section.title), "intro": text(section.intro), "blocks": blocks}
        )

    partner_blank = w["form_running_partner_blank"]
    title = " — ".join(
        x for x in (w["form_heading"], details.partnership, details.partner, details.round) if x
    )
    instrument = w["form_instrument"].format(title=text(q.title), id=q.id, version=q.version)
    return {
        "lang": language,
        "w": w,
        "title": title,
        "author": details.author,
        "details": details,
        "instrument_title": text(q.title),
        "intro": text(q.intro),
        "dates": _dates(details, language, w),
        "running": {
            "partnership": details.partnership or text(q.title),
            "where": " · ".join(x for x in (details.partner or partner_blank, details.round) if x),
            "label": f"{w['form_heading']} · {q.id} {q.version} · {w['form_running_respondent']}",
        },
        "instructions": _instructions(
            details, language, w, na_labels, has_multiple, has_text, _answering(w, required)
        ),
        "sections": sections,
        "marks": marks,  # question id -> "(optional)" or "(required)" beside its text
        "typing": _typing(details, w, has_multiple, multiple_example),
        "instrument": instrument,
    }


def _grid(
    q: Questionnaire, question: Question, text: Any, first_row: dict[str, Any]
) -> dict[str, Any]:
    """A grid of boxes for likert questions on one scale: one column per option (and one for
    "don't know" when the scale has it), the options' labels and values in the header."""
    scale = q.scales[question.scale or ""]
    columns = [{"value": str(o.value), "label": text(o.label), "na": False} for o in scale.options]
    if scale.na is not None:
        columns.append({"value": NA, "label": text(scale.na.label), "na": True})
    box_mm = min(MAX_BOX_COLUMN_MM, GRID_BOXES_MM / len(columns))
    return {
        "kind": "grid",
        "scale": question.scale,
        "columns": columns,
        "column_mm": f"{box_mm:.1f}",
        "rows": [first_row],
    }


def _lines(question: Question) -> int:
    return max(MIN_LINES, min(MAX_LINES, math.ceil(question.max_length / CHARACTERS_PER_LINE)))


def _dates(details: FormDetails, language: str, w: dict[str, str]) -> str:
    return " ".join(
        w[key].format(date=format_date(day, language))
        for key, day in (("opens", details.opens_on), ("closes", details.closes_on))
        if day
    )


def _answering(w: dict[str, str], required: list[bool]) -> str:
    """Which questions need an answer, as the online form has it (see paper_form_content)."""
    if not any(required):
        return w["form_skip"]
    if all(required):
        return w["form_answer_all"]
    if sum(required) * 2 >= len(required):
        return w["form_answer_all_but"].format(mark=w["form_mark_optional"])
    return w["form_answer_marked"].format(mark=w["form_mark_required"])


def _instructions(
    details: FormDetails,
    language: str,
    w: dict[str, str],
    na_labels: list[str],
    has_multiple: bool,
    has_text: bool,
    answering: str,
) -> dict[str, Any]:
    """The cover's instructions: only those that apply to this instrument."""
    notes = [answering]
    notes += [w["form_na"].format(label=label) for label in na_labels]
    if has_multiple:
        notes.append(w["form_multiple"])
    if has_text:
        notes.append(w["form_text"])
    if details.author:
        returning = [w["form_return_to"].format(person=details.author)]
    else:
        returning = [w["form_return_anyone"]]
    if details.closes_on:
        returning.append(w["form_return_by"].format(date=format_date(details.closes_on, language)))
    returning.append(w["form_counted"])
    return {"notes": notes, "returning": returning}


def _typing(
    details: FormDetails, w: dict[str, str], has_multiple: bool, multiple_example: str
) -> list[str]:
    """The key for whoever types the forms into the import file (survey.store.paper_import)."""
    partner = (
        w["form_typing_partner"].format(partner=details.partner)
        if details.partner
        else w["form_typing_partner_blank"]
    )
    lines = [w["form_typing_respondent"], partner, w["form_typing_columns"]]
    if has_multiple:
        lines.append(w["form_typing_multiple"].format(example=multiple_example))
    lines.append(w["form_typing_blank"])
    return lines


def paper_form_html(questionnaire: Questionnaire, language: str, details: FormDetails) -> str:
    """The form's HTML, before layout (what ``render_paper_form`` hands WeasyPrint)."""
    content = paper_form_content(questionnaire, language, details)
    return render_template(f"{DOCUMENTS[DOCUMENT]}.html", **content)


def render_paper_form(
    questionnaire: Questionnaire,
    language: str,
    details: FormDetails,
    *,
    page_size: str = "letter",
    url_fetcher: URLFetcher | None = None,
    cache: PdfCache | None = None,
) -> bytes:
    """The printable questionnaire as PDF bytes: tagged PDF/UA-1, like every report.

    Raises UnknownLanguage for a language the instrument lacks, ValueError for an unknown
    page size."""
    html = paper_form_html(questionnaire, language, details)
    return render_pdf(
        html, DOCUMENT, language, page_size=page_size, url_fetcher=url_fetcher, cache=cache
    )
