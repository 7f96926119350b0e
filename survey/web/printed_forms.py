"""A round in the database -> its paper questionnaire: what the web view and ``survey
paper-form`` share.

The renderer (``reports.paper``) takes plain data; here a Round becomes that data: the
instrument the round pinned (never the file on disk, which may have changed since), and the
partnership, partner, round and dates to print on every page.
"""

from __future__ import annotations

from reports.pack import document_filename
from reports.paper import FormDetails, render_paper_form
from survey.core.questionnaire import Questionnaire
from survey.store.models import Round
from survey.store.round_scores import questionnaire_of
from survey.web.printed_reports import pdf_cache


def form_language(questionnaire: Questionnaire, language: str | None) -> str:
    """``language`` when the instrument has it, else the instrument's first language."""
    return language if language in questionnaire.languages else questionnaire.default_language


def round_form_details(round_: Round, partner: str | None = None) -> FormDetails:
    """What a round's form prints besides the questions; no ``partner``: a blank form."""
    partnership = round_.partnership
    return FormDetails(
        partnership=partnership.name,
        partner=partner or "",
        round=round_.name,
        opens_on=round_.opens_on,
        closes_on=round_.closes_on,
        author=partnership.owner.name,
    )


def round_form_pdf(
    round_: Round,
    language: str | None = None,
    *,
    partner: str | None = None,
    page_size: str = "letter",
) -> bytes:
    """The round's paper questionnaire, blank or with ``partner`` printed on it, in
    ``language`` (the instrument's first language when it has no such language)."""
    questionnaire = questionnaire_of(round_)
    return render_paper_form(
        questionnaire,
        form_language(questionnaire, language),
        round_form_details(round_, partner),
        page_size=page_size,
        cache=pdf_cache(),
    )


def form_filename(round_: Round, language: str, partner: str | None = None) -> str:
    return document_filename(
        [round_.partnership.name, round_.name], [partner or "", "paper form", language]
    )
