"""The respondent's journey: invitation link -> welcome -> one page per section -> review -> done.

Every "Save and continue" writes the page to the database before moving on, so closing the
browser loses nothing, and the personal resume link works from any device. Answers are
upserted on a unique (response, question) key and submission is a conditional UPDATE, so two
tabs or a double click leave one consistent response.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from survey.core.instruments import pinned_by_hash
from survey.core.questionnaire import Questionnaire
from survey.store.database import db
from survey.store.models import Answer, Invitation, Response, Round, accepts_answers, utcnow
from survey.store.round_scores import questionnaire_of
from survey.web.extensions import limiter
from survey.web.forms import ConfirmForm
from survey.web.page_forms import answers_from_form, page_form
from survey.web.tasks import reports_changed
from survey.web.views.personal import submitted_in_this_browser

bp = Blueprint("respond", __name__)

ANSWER = Answer.__table__
RESPONSE = Response.__table__
ROUND = Round.__table__
RESUME_KEY = "responses"  # the resume tokens this browser holds, by invitation token

# The statements of every step, built once with parameters: building a new statement and its
# cache key on each request cost more than running it (docs/performance.md).
# An invitation is loaded with its round: every step needs its instrument and whether it is open.
_INVITATION = (
    select(Invitation)
    .options(joinedload(Invitation.round))
    .where(Invitation.token == bindparam("token"))
)
# A response's steps read its row and its round's state as plain columns: loading them as
# ORM objects was a seventh of a page's time, and nothing here changes them through the ORM.
_RESPONSE = (
    select(
        RESPONSE.c.id,
        RESPONSE.c.resume_token,
        RESPONSE.c.language,
        RESPONSE.c.source,
        RESPONSE.c.submitted_at,
        ROUND.c.id.label("round_id"),
        ROUND.c.status,
        ROUND.c.opens_on,
        ROUND.c.closes_on,
        ROUND.c.instrument_sha256,
        ROUND.c.instrument_file,
    )
    .join(ROUND, ROUND.c.id == RESPONSE.c.round_id)
    .where(RESPONSE.c.resume_token == bindparam("resume"))
)
_INSTRUMENT_TEXT = select(ROUND.c.instrument_yaml).where(ROUND.c.id == bindparam("round_id"))
_STORED = select(ANSWER.c.question_id, ANSWER.c.value).where(
    ANSWER.c.response_id == bindparam("response_id")
)
# Taking the row's write lock first orders a save against a submit in another tab.
_TOUCH = (
    update(RESPONSE)
    .where(RESPONSE.c.id == bindparam("response_id"), RESPONSE.c.submitted_at.is_(None))
    .values(updated_at=bindparam("now"))
)


@bp.before_request
def no_store() -> None:
    # Shared or public computers: a respondent's pages must not stay in the browser cache.
    g.no_store = True


# -- lookups ------------------------------------------------------------------------------


def _sql() -> Connection:
    """The request's connection, inside the session's transaction (committed or rolled back
    with it). The steps' Core statements run on it directly: through the ORM session each
    paid some 60 µs of bookkeeping for objects they do not have (docs/performance.md)."""
    return db.session.connection()


def _invitation(token: str) -> Invitation:
    invitation = db.session.scalar(_INVITATION, {"token": token})
    if invitation is None or invitation.revoked_at is not None:
        abort(404)
    return invitation


@dataclass(frozen=True)
class ResponseState:
    """A response as its steps see it: its row, and whether its round takes answers."""

    id: int
    resume_token: str
    language: str
    submitted_at: datetime | None
    accepts_answers: bool
    round_id: int


def _response(resume: str) -> tuple[ResponseState, Questionnaire]:
    row = _sql().execute(_RESPONSE, {"resume": resume}).first()
    if row is None or row.source != "web":
        abort(404)
    g.lang = row.language
    q = pinned_by_hash(
        row.instrument_sha256,
        lambda: str(_sql().scalar(_INSTRUMENT_TEXT, {"round_id": row.round_id})),
        row.instrument_file,
    )
    state = ResponseState(
        row.id,
        row.resume_token,
        row.language,
        row.submitted_at,
        accepts_answers(row.status, row.opens_on, row.closes_on),
        row.round_id,
    )
    return state, q


def _language(q: Questionnaire, requested: str | None) -> str:
    if requested in q.languages:
        return str(requested)
    chosen = session.get("lang")
    if chosen in q.languages:
        return str(chosen)
    best = request.accept_languages.best_match(q.languages)
    return best or q.default_language


def _stored(response: ResponseState) -> dict[str, str]:
    rows = _sql().execute(_STORED, {"response_id": response.id}).all()
    return dict(rows)  # type: ignore[arg-type]


def _locked_reason(response: ResponseState) -> str | None:
    if response.submitted_at is not None:
        return "submitted"
    if not response.accepts_answers:
        return "closed"
    return None


# -- invitation and welcome ---------------------------------------------------------------


def _not_found(response: Any) -> bool:
    return bool(response.status_code == 404)


def _token_key() -> str:
    return f"token:{(request.view_args or {}).get('token', '')}"


# Resume links are guarded like invitation links: failed look-ups only, per address, counted
# together across every page that takes one (a room's valid links are never slowed down).
_resume_guessing = limiter.shared_limit("30 per minute", scope="resume", deduct_when=_not_found)


# Only failed look-ups count against an address: a symposium room of 250 people shares one
# Wi-Fi address, and every valid link must keep working for them; guessing tokens must not.
@bp.get("/r/<token>")
@limiter.limit("30 per minute", deduct_when=_not_found)
def welcome(token: str):  # type: ignore[no-untyped-def]
    invitation = _invitation(token)
    round_ = invitation.round
    q = questionnaire_of(round_)
    lang = _language(q, request.args.get("lang"))
    g.lang = lang
    session["lang"] = lang
    held = session.get(RESUME_KEY, {}).get(token)
    in_progress = submitted = None
    if held:
        # This browser's last response on this link: go on with it, or (once submitted) read
        # it again; another person of the organisation may still start their own.
        mine = db.session.scalar(select(Response).where(Response.resume_token == held))
        if mine is not None and mine.submitted_at is None:
            in_progress = mine
        elif mine is not None:
            submitted = mine
    minutes = max(5, round(sum(1 for _ in q.questions()) * 0.25))
    return render_template(
        "respond/welcome.html",
        invitation=invitation,
        round=round_,
        q=q,
        lang=lang,
        minutes=minutes,
        in_progress=in_progress,
        submitted=submitted,
        form=ConfirmForm(),
    )


@bp.post("/r/<token>/start")
# Per link, not per address: a partner's table may start many responses at once.
@limiter.limit("600 per minute", key_func=_token_key)
@limiter.limit("30 per minute", deduct_when=_not_found)
def start(token: str):  # type: ignore[no-untyped-def]
    invitation = _invitation(token)
    q = questionnaire_of(invitation.round)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not invitation.round.accepts_answers:
        return redirect(url_for("respond.welcome", token=token))
    lang = _language(q, request.form.get("lang"))
    response = Response(
        round_id=invitation.round_id,
        partner_id=invitation.partner_id,
        invitation_id=invitation.id,
        language=lang,
    )
    db.session.add(response)
    db.session.commit()
    held = dict(session.get(RESUME_KEY, {}))
    held[token] = response.resume_token
    session[RESUME_KEY] = held
    session.permanent = True
    return redirect(url_for("respond.page", resume=response.resume_token, number=1))


# -- pages --------------------------------------------------------------------------------


def _page_context(response: ResponseState, q: Questionnaire, number: int) -> dict[str, Any]:
    total = len(q.sections)
    return {
        "response": response,
        "q": q,
        "lang": response.language,
        "number": number,
        "total": total,
        "section": q.sections[number - 1],
        "locked": _locked_reason(response),
    }


@bp.get("/s/<resume>")
@_resume_guessing
def resume(resume: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    if response.submitted_at is not None:
        return redirect(url_for("respond.done", resume=resume))
    stored = _stored(response)
    for number, section in enumerate(q.sections, start=1):
        if any(question.required and question.id not in stored for question in section.questions):
            return redirect(url_for("respond.page", resume=resume, number=number))
    return redirect(url_for("respond.review", resume=resume))


@bp.route("/s/<resume>/<int:number>", methods=["GET", "POST"])
@_resume_guessing
def page(resume: str, number: int):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    if not 1 <= number <= len(q.sections):
        abort(404)
    context = _page_context(response, q, number)
    section = context["section"]
    if request.method == "GET" or context["locked"]:
        form = page_form(q, section, response.language, _stored(response))
        status = 409 if request.method == "POST" else 200
        return render_template("respond/page.html", form=form, **context), status

    # A save is built from what was posted alone: the stored answers are not read.
    form = page_form(q, section, response.language, {}, formdata=request.form)
    valid = form.validate()
    action = request.form.get("action", "next")
    saved = _save_page(response, answers_from_form(form, section))
    if not saved:  # submitted in another tab meanwhile
        context["locked"] = "submitted"
        return render_template("respond/page.html", form=form, **context), 409
    if action == "later":
        return redirect(url_for("respond.saved", resume=resume))
    if action == "back" and number > 1:
        return redirect(url_for("respond.page", resume=resume, number=number - 1))
    if not valid:
        return render_template("respond/page.html", form=form, **context), 422
    if number < len(q.sections):
        return redirect(url_for("respond.page", resume=resume, number=number + 1))
    return redirect(url_for("respond.review", resume=resume))


@cache
def _upsert(dialect: str) -> Any:
    """Insert or replace answers (one row per question, decision 0003), run with the rows as
    parameters: compiled once per process, where building and compiling a multi-row VALUES
    clause for every save took about a third of a save's time (docs/performance.md)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ANSWER)
    return statement.on_conflict_do_update(
        index_elements=[ANSWER.c.response_id, ANSWER.c.question_id],
        set_={"value": statement.excluded.value},
    )


def _save_page(response: ResponseState, values: dict[str, str | None]) -> bool:
    """Store one page's answers in one transaction; False if the response is already submitted."""
    # Core statements, like the upsert: the ORM has nothing to keep in step here.
    touched = _sql().execute(_TOUCH, {"response_id": response.id, "now": utcnow()}).rowcount
    if not touched:
        db.session.rollback()
        return False
    rows = [
        {"response_id": response.id, "question_id": qid, "value": value}
        for qid, value in values.items()
        if value is not None
    ]
    cleared = [qid for qid, value in values.items() if value is None]
    if rows:
        _sql().execute(_upsert(db.engine.dialect.name), rows)
    if cleared:
        _sql().execute(
            delete(ANSWER).where(
                ANSWER.c.response_id == response.id, ANSWER.c.question_id.in_(cleared)
            )
        )
    db.session.commit()
    return True


@bp.get("/s/<resume>/saved")
@_resume_guessing
def saved(resume: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    return render_template("respond/saved.html", response=response, q=q, lang=response.language)


@bp.post("/s/<resume>/forget")
@_resume_guessing
def forget_device(resume: str):  # type: ignore[no-untyped-def]
    """ "This is not my device": this browser stops offering these answers, so that the next
    person at a shared computer is not offered them. The answers stay saved; the personal link
    still opens them."""
    response, _q = _response(resume)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    held = dict(session.get(RESUME_KEY, {}))
    tokens = [token for token, value in held.items() if value == response.resume_token]
    for token in tokens:
        del held[token]
    if held:
        session[RESUME_KEY] = held
    else:
        session.pop(RESUME_KEY, None)
    g.lang = response.language  # the message in the respondent's language
    flash(
        _(
            "This device no longer offers these answers. To come back to them, use your "
            "personal link."
        )
    )
    if request.form.get("to") == "welcome" and tokens:
        return redirect(url_for("respond.welcome", token=tokens[0]))
    return redirect(url_for("respond.saved", resume=response.resume_token))


def _set_language(response: ResponseState, q: Questionnaire, lang: str | None) -> None:
    """Show the response's pages in ``lang`` from now on (an unknown language changes nothing)."""
    if lang not in q.languages:
        return
    if response.language != lang:
        _sql().execute(update(RESPONSE).where(RESPONSE.c.id == response.id).values(language=lang))
        db.session.commit()
    session["lang"] = lang


@bp.route("/s/<resume>/language/<lang>", methods=["GET", "POST"])
@_resume_guessing
def switch_language(resume: str, lang: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    if lang not in q.languages:
        abort(404)
    number = request.args.get("page", type=int) or 0
    on_a_page = bool(number and 1 <= number <= len(q.sections))
    if request.method == "POST" and on_a_page and _locked_reason(response) is None:
        # A questionnaire page's language buttons submit its form here: what was ticked is
        # saved first (as "Save and finish later" does, errors and all), then the same page
        # comes back in the other language. A link would have thrown the ticks away.
        section = q.sections[number - 1]
        form = page_form(q, section, response.language, {}, formdata=request.form)
        form.validate()
        _save_page(response, answers_from_form(form, section))
    _set_language(response, q, lang)
    if on_a_page:
        return redirect(url_for("respond.page", resume=resume, number=number))
    target = request.args.get("to")
    if target in {"review", "saved", "done"}:
        return redirect(url_for(f"respond.{target}", resume=resume))
    return redirect(url_for("respond.resume", resume=resume))


# -- review and submit --------------------------------------------------------------------


def _missing(q: Questionnaire, stored: dict[str, str]) -> list[tuple[int, Any]]:
    return [
        (number, question)
        for number, section in enumerate(q.sections, start=1)
        for question in section.questions
        if question.required and question.id not in stored
    ]


_LABELS: dict[tuple[str, str], dict[str, dict[str, str]]] = {}


def _option_labels(q: Questionnaire, lang: str) -> dict[str, dict[str, str]]:
    """Each choice question's stored values and the words they are shown with (the review
    page's lookup table, built once per instrument and language, not once per page view)."""
    key = (q.sha256, lang)
    if key in _LABELS:
        return _LABELS[key]
    labels: dict[str, dict[str, str]] = {}
    for question in q.questions():
        options = {
            str(option.value): q.text(option.label, lang) for option in q.options_of(question)
        }
        na = q.na_of(question)
        if na is not None:
            options["na"] = q.text(na.label, lang)
        if options:
            labels[question.id] = options
    _LABELS[key] = labels
    return labels


@bp.get("/s/<resume>/review")
@_resume_guessing
def review(resume: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    stored = _stored(response)
    return render_template(
        "respond/review.html",
        response=response,
        q=q,
        lang=response.language,
        stored=stored,
        labels=_option_labels(q, response.language),
        missing=_missing(q, stored),
        locked=_locked_reason(response),
        total=len(q.sections),
        form=ConfirmForm(),
    )


@bp.post("/s/<resume>/submit")
@_resume_guessing
def submit(resume: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if response.submitted_at is not None:
        return redirect(url_for("respond.done", resume=resume))
    if not response.accepts_answers:
        return redirect(url_for("respond.review", resume=resume))
    stored = _stored(response)
    if _missing(q, stored):
        return redirect(url_for("respond.review", resume=resume))
    # Conditional: of two clicks, one sets the time and the other changes nothing.
    _sql().execute(
        update(RESPONSE)
        .where(RESPONSE.c.id == response.id, RESPONSE.c.submitted_at.is_(None))
        .values(submitted_at=utcnow(), updated_at=utcnow())
    )
    db.session.commit()
    submitted_in_this_browser(response.round_id)  # a personal link's invitation is done
    reports_changed(response.round_id)  # laid out again within a minute, in the background
    return redirect(url_for("respond.done", resume=resume))


@bp.get("/s/<resume>/done")
@_resume_guessing
def done(resume: str):  # type: ignore[no-untyped-def]
    response, q = _response(resume)
    if response.submitted_at is None:
        return redirect(url_for("respond.review", resume=resume))
    return render_template("respond/done.html", response=response, q=q, lang=response.language)
