"""Printed reports: a round's PDF, a partner's copy, and a symposium pack of chosen rounds.

Facilitators only, and only their own rounds (survey.web.access: 404 for anyone else's). The PDFs
are made by ``reports/`` from the score report; this module only fetches, checks and sends.
A symposium pack is background work: the request queues a job and sends the facilitator to
its page, which shows the progress and offers the ZIP when a worker has made it (no request
waits for the layout, whatever the pack's size).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from reports.content import UnknownPartner
from survey.store.database import db
from survey.store.models import Partner, Partnership, Round
from survey.store.round_scores import questionnaire_of
from survey.web.access import own_round
from survey.web.ids import parse_id
from survey.web.printed_reports import PDF_MIMETYPE, pdf_filename, round_pdf
from survey.web.tasks import enqueue_pack

bp = Blueprint("reports", __name__)

LANGUAGES = ("en", "fr")
SIZES = ("letter", "a4")
MAX_PACK_ROUNDS = 50


@bp.before_request
def require_login() -> Any:
    return login_required(lambda: None)()


def _language() -> str | None:
    lang = request.values.get("lang")
    return lang if lang in LANGUAGES else None


def _size() -> str:
    size = (request.values.get("size") or "letter").lower()
    return size if size in SIZES else "letter"


def _attachment(body: Any, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<int:round_id>/report.pdf")
def partnership_pdf(round_id: int) -> Response:
    """The round's partnership report (``?lang=en|fr&size=letter|a4``)."""
    round_ = own_round(round_id)
    language = _language() or questionnaire_of(round_).default_language
    body = round_pdf(round_, language, page_size=_size())
    return _attachment(body, PDF_MIMETYPE, pdf_filename(round_, language))


@bp.get("/rounds/<int:round_id>/partners/<int:partner_id>/report.pdf")
def partner_pdf(round_id: int, partner_id: int) -> Any:
    """One partner's copy: that partner against the partnership, no other partner named."""
    round_ = own_round(round_id)
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.partnership_id != round_.partnership_id:
        abort(404)
    language = _language() or questionnaire_of(round_).default_language
    try:
        body = round_pdf(round_, language, partner=partner.name, page_size=_size())
    except UnknownPartner:
        # Pooled with the other small partners: a copy of its own would single it out.
        page = render_template(
            "reports/pooled.html",
            round=round_,
            partner=partner,
            minimum=round_.partnership.min_group_size,
        )
        return page, 409
    return _attachment(body, PDF_MIMETYPE, pdf_filename(round_, language, partner.name))


def _own_rounds() -> list[Round]:
    return list(
        db.session.scalars(
            select(Round)
            .join(Partnership)
            .where(Partnership.owner_id == current_user.id)
            .order_by(Partnership.name, Round.created_at.desc(), Round.id.desc())
        )
    )


@bp.get("/symposium-pack")
def symposium_form() -> str:
    """Choose the rounds (and language, page size) of a symposium pack."""
    return render_template("reports/symposium.html", rounds=_own_rounds(), error=None, chosen=())


@bp.post("/symposium-pack")
def symposium_pack() -> Any:
    """Queue the pack of the chosen rounds; its page shows the progress and the download."""
    ids: list[int] = []
    for value in request.form.getlist("round"):
        round_id = parse_id(value)
        if round_id is None:
            abort(400)
        ids.append(round_id)
    ids = list(dict.fromkeys(ids))
    if not ids or len(ids) > MAX_PACK_ROUNDS:
        page = render_template(
            "reports/symposium.html",
            rounds=_own_rounds(),
            error="none" if not ids else "too_many",
            maximum=MAX_PACK_ROUNDS,
            chosen=ids,
        )
        return page, 400
    for round_id in ids:
        own_round(round_id)  # all of them the facilitator's own, before anything is queued
    public_id = enqueue_pack(current_user.id, ids, _language(), _size())
    return redirect(url_for("jobs.job_page", public_id=public_id), 303)
