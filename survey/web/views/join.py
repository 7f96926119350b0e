"""Joining a symposium session: code -> partnership -> organisation -> the partner's link.

In a room, people type a six-character code instead of following a link. The code is checked
only on a rate-limited POST, and the session it opens is then kept in this browser's signed
cookie, so that no page of the flow answers "is this a code?" without counting the try.
From the organisation on, the person continues exactly as with an invitation link.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from survey.core.symposium import normalise_code
from survey.store.database import db
from survey.store.models import Invitation, Round, SymposiumSession
from survey.web.extensions import limiter
from survey.web.forms import JoinForm, JoinPartnerForm
from survey.web.ids import parse_id

bp = Blueprint("join", __name__)

JOIN_KEY = "symposium"  # the session joined in this browser, by id
# Per address, counting failed tries only: a room of 250 behind one Wi-Fi address joins
# without tripping it, while guessing one code among 887 million stays hopeless.
JOIN_LIMIT = "20 per minute"


@bp.before_request
def no_store() -> None:
    g.no_store = True


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _joined() -> SymposiumSession | None:
    """The session this browser joined, while it is open; None (with a message) otherwise."""
    session_id = session.get(JOIN_KEY)
    if not isinstance(session_id, int):
        return None
    symposium = db.session.get(SymposiumSession, session_id)
    if symposium is None:
        return None
    if symposium.status != "open":
        session.pop(JOIN_KEY, None)
        flash(_("This session has ended."))
        return None
    return symposium


def _open_rounds(symposium: SymposiumSession) -> list[Round]:
    return [r for r in symposium.rounds if r.accepts_answers]


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"], deduct_when=_failed)
def code():  # type: ignore[no-untyped-def]
    form = JoinForm()
    if request.method == "GET":
        form.code.data = (request.args.get("code") or "")[:40]
    if form.validate_on_submit():
        typed = normalise_code(form.code.data)
        symposium = None
        if typed is not None:
            symposium = db.session.scalar(
                select(SymposiumSession).where(SymposiumSession.code == typed)
            )
        if symposium is None:
            form.code.errors.append(
                _("We don't know that code. Check it on the screen and try again.")
            )
        elif symposium.status != "open":
            form.code.errors.append(_("This session has ended."))
        else:
            session[JOIN_KEY] = symposium.id
            return redirect(url_for("join.partnership"))
    return render_template("join/code.html", form=form)


@bp.get("/join/partnership")
def partnership():  # type: ignore[no-untyped-def]
    symposium = _joined()
    if symposium is None:
        return redirect(url_for("join.code"))
    rounds = sorted(_open_rounds(symposium), key=lambda r: r.partnership.name.casefold())
    return render_template("join/partnership.html", symposium=symposium, rounds=rounds)


@bp.route("/join/organisation", methods=["GET", "POST"])
def organisation():  # type: ignore[no-untyped-def]
    symposium = _joined()
    if symposium is None:
        return redirect(url_for("join.code"))
    round_id = parse_id(request.args.get("round"))
    round_ = next((r for r in _open_rounds(symposium) if r.id == round_id), None)
    if round_ is None:
        return redirect(url_for("join.partnership"))
    form = JoinPartnerForm()
    form.partner.choices = [(str(p.id), p.name) for p in round_.partnership.partners]
    if form.validate_on_submit():
        invitation = _invitation(round_, int(form.partner.data))
        return redirect(url_for("respond.welcome", token=invitation.token))
    return render_template("join/organisation.html", symposium=symposium, round=round_, form=form)


def _invitation(round_: Round, partner_id: int) -> Invitation:
    """The partner's current link for the round: the one a facilitator would have handed out,
    or a new one when the partner has none (added after its links were made)."""
    invitation = db.session.scalar(
        select(Invitation)
        .where(
            Invitation.round_id == round_.id,
            Invitation.partner_id == partner_id,
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.id.desc())
        .limit(1)
    )
    if invitation is None:
        invitation = Invitation(round_id=round_.id, partner_id=partner_id)
        db.session.add(invitation)
        db.session.commit()
    return invitation
