"""Downloads of a round: raw responses and scores as CSV or XLSX, and the score report as JSON.

Facilitators only, and only their own rounds (survey.web.access: 404 for anyone else's). Pages
send anonymous visitors to the login page as everywhere else; /api/ answers them with a 401
JSON body instead, since a script cannot follow a login form. The files themselves are built
by reports.exports, from the round's submitted responses (pooled partners stay pooled) and from
the score report.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user, login_required

from reports.exports import (
    CSV_MIMETYPE,
    XLSX_MIMETYPE,
    RawResponse,
    responses_csv,
    responses_xlsx,
    safe_filename,
    scores_csv,
    scores_xlsx,
)
from survey.store.models import Round
from survey.store.round_scores import RoundData, load_round, round_report
from survey.web.access import own_round
from survey.web.template_helpers import interface_language

bp = Blueprint("exports", __name__)


@login_required
def _require_page_login() -> None:
    """Flask-Login's usual answer for pages: a redirect to the login page."""


@bp.before_request
def require_login() -> Any:
    if request.path.startswith("/api/") and not current_user.is_authenticated:
        response = jsonify(error="Sign in to use the API.", status=401)
        response.status_code = 401
        response.headers["Cache-Control"] = "no-store"
        return response
    return _require_page_login()


def _language() -> str | None:
    """Asked for explicitly (``?lang=fr``), else the interface language."""
    return request.args.get("lang") or interface_language()


def _raw_responses(data: RoundData) -> list[RawResponse]:
    return [
        RawResponse(
            respondent=r.id,
            partner=data.names[r.partner_id],
            language=r.language,
            source=r.source,
            submitted_at=r.submitted_at,
            values=r.values,
        )
        for r in data.responses
    ]


def _download(body: bytes, mimetype: str, round_: Round, kind: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=safe_filename(round_.name, round_.id, kind, extension),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<int:round_id>/export/responses.csv")
def responses_as_csv(round_id: int) -> Response:
    round_ = own_round(round_id)
    data = load_round(round_, _language())
    body = responses_csv(data.questionnaire, _raw_responses(data))
    return _download(body, CSV_MIMETYPE, round_, "responses", "csv")


@bp.get("/rounds/<int:round_id>/export/responses.xlsx")
def responses_as_xlsx(round_id: int) -> Response:
    round_ = own_round(round_id)
    data = load_round(round_, _language())
    body = responses_xlsx(data.questionnaire, _raw_responses(data), data.language)
    return _download(body, XLSX_MIMETYPE, round_, "responses", "xlsx")


@bp.get("/rounds/<int:round_id>/export/scores.csv")
def scores_as_csv(round_id: int) -> Response:
    round_ = own_round(round_id)
    body = scores_csv(round_report(round_, _language()))
    return _download(body, CSV_MIMETYPE, round_, "scores", "csv")


@bp.get("/rounds/<int:round_id>/export/scores.xlsx")
def scores_as_xlsx(round_id: int) -> Response:
    round_ = own_round(round_id)
    body = scores_xlsx(round_report(round_, _language()))
    return _download(body, XLSX_MIMETYPE, round_, "scores", "xlsx")


@bp.get("/api/rounds/<int:round_id>/scores")
def scores_api(round_id: int) -> Response:
    round_ = own_round(round_id)
    response = jsonify(round_report(round_, _language()))
    response.headers["Cache-Control"] = "no-store"
    return response
