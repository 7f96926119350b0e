"""Printed reports: a round's PDF, a partner's copy, and a symposium pack of chosen rounds.

Facilitators only, and only their own rounds (survey.web.access: 404 for anyone else's). The PDFs
are made by ``reports/`` from the score report; this module only fetches, checks and sends.
The symposium pack is a streamed download: the ZIP is sent report by report while the next
one is being made, so the browser's download bar shows it growing (no progress page to poll,
no file kept on the server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from reports.content import UnknownPartner
from reports.pack import pack_chunks
from survey.store.database import db
from survey.store.models import Partner, Partnership, Round
from survey.store.round_scores import questionnaire_of
from survey.web.access import own_round
from survey.web.printed_reports import (
    PDF_MIMETYPE,
    ZIP_MIMETYPE,
    pack_items,
    pdf_cache,
    pdf_filename,
    pdf_workers,
    round_pdf,
)

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
    """The pack as a ZIP, streamed: each report is sent as soon as it is made."""
    ids: list[int] = []
    for value in request.form.getlist("round"):
        if not value.isdigit():
            abort(400)
        ids.append(int(value))
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
        own_round(round_id)  # all of them the facilitator's own, before a byte is sent
    language, size = _language(), _size()
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def chunks() -> Iterator[bytes]:
        # The stream outlives this request's app context (and its database session): give it
        # its own, opened when the first byte is wanted and closed after the last.
        with app.app_context():
            items = pack_items(ids, language)
            yield from pack_chunks(
                items,
                len(ids),
                page_size=size,
                language=language,
                workers=pdf_workers(),
                cache=pdf_cache(),
            )

    response = _attachment(chunks(), ZIP_MIMETYPE, "symposium-pack.zip")
    response.headers["X-Accel-Buffering"] = "no"  # let proxies pass each report on at once
    return response
