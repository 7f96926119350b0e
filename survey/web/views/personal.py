"""A representative's personal link (``/p/<token>``) and their "no more reminders" page.

The personal link marks its invitation opened, remembers itself in this browser's session, and
leads to the partner's questionnaire like the partner's shared link. When a response of that
round is submitted in this browser, the invitation is marked submitted; the response itself
keeps no trace of it (survey/store/roster.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Invitation
from survey.store.roster import Representative, mark_submitted, open_invite
from survey.web.extensions import limiter
from survey.web.forms import ConfirmForm

bp = Blueprint("personal", __name__)
PERSONAL_KEY = "personal"  # session: {round id: personal token}


def _not_found(response: Any) -> bool:
    return bool(response.status_code == 404)


@bp.get("/p/<personal>")
@limiter.limit("30 per minute", deduct_when=_not_found)
def open_link(personal: str) -> Any:
    invite = open_invite(personal) if len(personal) <= 64 else None
    if invite is None:
        abort(404)
    shared = db.session.scalar(
        select(Invitation).where(
            Invitation.round_id == invite.round_id,
            Invitation.partner_id == invite.representative.partner_id,
            Invitation.revoked_at.is_(None),
        )
    )
    if shared is None:
        abort(404)
    held = dict(session.get(PERSONAL_KEY, {}))
    held[str(invite.round_id)] = personal
    session[PERSONAL_KEY] = held
    session.permanent = True
    language = invite.representative.language
    return redirect(url_for("respond.welcome", token=shared.token, lang=language), 303)


def submitted_in_this_browser(round_id: int) -> None:
    """A response of ``round_id`` was just submitted here: if this browser came by a personal
    link, that invitation is done (and gets no more reminders)."""
    token = session.get(PERSONAL_KEY, {}).get(str(round_id))
    if token:
        mark_submitted(token, round_id)


@bp.route("/unsubscribe/<unsubscribe>", methods=["GET", "POST"])
@limiter.limit("30 per minute", deduct_when=_not_found)
def unsubscribe(unsubscribe: str) -> Any:
    """GET asks, POST does it: a mail scanner that follows links must not unsubscribe anyone."""
    rep = db.session.scalar(
        select(Representative).where(Representative.unsubscribe_token == unsubscribe)
    )
    if rep is None:
        abort(404)
    g.lang = rep.language  # the page in the language the messages were written in
    form = ConfirmForm()
    done = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        rep.reminders_off = True
        db.session.commit()
        done = True
    return render_template("personal/unsubscribe.html", form=form, done=done or rep.reminders_off)
