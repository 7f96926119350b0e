"""Paper mode: a facilitator prints paper questionnaires for one of their rounds, and imports
the answers typed in from them.

Thin, like every facilitator view: the round through survey.web.access (404 for anyone else's),
the form through survey.web.printed_forms (the round's pinned instrument, as a PDF), the file
through survey.store.paper_import (every row checked, all stored or none), then a redirect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from reports.exports import CSV_MIMETYPE, Table, safe_filename, to_csv
from survey.core.problems import InputError, Problem
from survey.core.questionnaire import Questionnaire
from survey.store.models import Partner, Round
from survey.store.paper_import import MAX_IMPORT_ROWS, import_paper
from survey.store.round_scores import questionnaire_of
from survey.web.access import own_partner, own_round
from survey.web.forms import PaperImportForm
from survey.web.printed_forms import form_filename, form_language, round_form_pdf
from survey.web.printed_reports import PDF_MIMETYPE
from survey.web.tasks import reports_changed

bp = Blueprint("paper", __name__)

_COLUMN = re.compile(r"^column '(?P<column>[^']*)': (?P<message>.*)$", re.DOTALL)


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for signed-in facilitators."""


@dataclass(frozen=True)
class ProblemRow:
    """A problem as a line of the table on the page: row, column, what is wrong, how to fix."""

    row: int | None
    column: str
    problem: str
    fix: str


def problem_rows(problems: list[Problem]) -> list[ProblemRow]:
    rows = []
    for problem in problems:
        found = _COLUMN.match(problem.message)
        column, message = (found["column"], found["message"]) if found else ("", problem.message)
        rows.append(ProblemRow(problem.line, column, message, problem.hint))
    return rows


def _columns(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Each question column of the file, with its wording and the answers it takes."""
    locale = get_locale()
    lang = locale.language if locale and locale.language in questionnaire.languages else None
    lang = lang or questionnaire.default_language
    columns = []
    for question in questionnaire.questions():
        values = [str(o.value) for o in questionnaire.options_of(question)]
        if questionnaire.na_of(question) is not None:
            values.append("na")
        columns.append(
            {
                "id": question.id,
                "text": questionnaire.text(question.text, lang),
                "type": question.type,
                "values": values,
                "max_length": question.max_length,
            }
        )
    return columns


def _header(questionnaire: Questionnaire) -> list[str]:
    return ["respondent", "partner", *(q.id for q in questionnaire.questions())]


def _render(
    round_: Round, form: PaperImportForm, problems: list[Problem], status: int, total: int = 0
) -> Any:
    questionnaire = questionnaire_of(round_)
    partners: list[Partner] = round_.partnership.partners
    return render_template(
        "paper/import.html",
        round=round_,
        form=form,
        problems=problem_rows(problems),
        total=max(total, len(problems)),
        max_rows=MAX_IMPORT_ROWS,
        header=",".join(_header(questionnaire)),
        partners=[p.name for p in partners],
        columns=_columns(questionnaire),
    ), status


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
def import_answers(round_id: int):  # type: ignore[no-untyped-def]
    round_ = own_round(round_id)
    form = PaperImportForm()
    if not form.validate_on_submit():
        return _render(round_, form, [], 422 if form.errors else 200)
    upload = form.file.data
    try:
        result = import_paper(round_, upload.read(), upload.filename or "upload.csv")
    except InputError as exc:
        return _render(round_, form, exc.problems, 422, exc.total)
    if result.imported:
        reports_changed(round_.id)
    flash(
        _(
            "Paper answers: %(imported)s imported, %(already)s already there.",
            imported=result.imported,
            already=result.already_there,
        )
    )
    return redirect(url_for("facilitate.round_page", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/import/template.csv")
def template(round_id: int) -> Response:
    """An empty file with the header row this round's imports need."""
    round_ = own_round(round_id)
    body = to_csv(Table(_header(questionnaire_of(round_)), []))
    response = Response(body, mimetype=CSV_MIMETYPE)
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=safe_filename(round_.name, round_.id, "paper-template", "csv"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# -- printable questionnaires ---------------------------------------------------------------

PAGE_SIZES = ("letter", "a4")
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


@bp.app_template_global()
def paper_form_languages(round_: Round) -> list[tuple[str, str]]:
    """The languages a round's paper form can be printed in, as (code, name) pairs."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in questionnaire_of(round_).languages]


def _form_response(round_: Round, partner: Partner | None) -> Response:
    """The form as a download: ``?lang=`` among the instrument's languages (else its first),
    ``?size=letter|a4`` (else letter)."""
    language = form_language(questionnaire_of(round_), request.args.get("lang"))
    size = (request.args.get("size") or "letter").lower()
    size = size if size in PAGE_SIZES else "letter"
    name = partner.name if partner else None
    body = round_form_pdf(round_, language, partner=name, page_size=size)
    response = Response(body, mimetype=PDF_MIMETYPE)
    response.headers.set(
        "Content-Disposition", "attachment", filename=form_filename(round_, language, name)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<int:round_id>/paper-form.pdf")
def blank_form(round_id: int) -> Response:
    """A printable questionnaire for the round, with a line for the respondent's organisation."""
    return _form_response(own_round(round_id), None)


@bp.get("/rounds/<int:round_id>/partners/<int:partner_id>/paper-form.pdf")
def partner_form(round_id: int, partner_id: int) -> Response:
    """A printable questionnaire for the round with the partner's name printed on it."""
    round_ = own_round(round_id)
    partner = own_partner(partner_id)
    if partner.partnership_id != round_.partnership_id:
        abort(404)
    return _form_response(round_, partner)
