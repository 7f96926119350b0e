"""Personal invitations and reminders by e-mail: composed here in each representative's
language, queued in the outbox (``survey.store.outbox``) and sent by the worker.

Idempotent: an invitation is queued once per representative and round, a reminder once per
representative, round and reminder date (the outbox's keys), so ``survey invite`` and
``survey send-due`` run twice send nothing twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from survey.store import outbox
from survey.store.database import db
from survey.store.models import Round, utcnow
from survey.store.outbox import OutboundMessage
from survey.store.roster import PersonalInvite, Representative, create_invites, reminder_dates
from survey.web.template_helpers import in_language

LOCAL_BASE_URL = "http://127.0.0.1:5000"


def _external(endpoint: str, **values: Any) -> str:
    """An absolute link for an e-mail, built on ``BASE_URL`` (never on a request's Host)."""
    base = current_app.config.get("BASE_URL") or LOCAL_BASE_URL
    with current_app.test_request_context("/", base_url=base):
        return url_for(endpoint, _external=True, **values)


def _compose(kind: str, invite: PersonalInvite) -> tuple[str, str, str]:
    """(subject, text, html) of an invitation or a reminder, in the representative's language."""
    rep: Representative = invite.representative
    round_: Round = invite.round
    context = {
        "representative": rep,
        "partner": rep.partner.name,
        "partnership": round_.partnership.name,
        "round": round_,
        "link": _external("personal.open_link", personal=invite.token),
        "unsubscribe": _external("personal.unsubscribe", unsubscribe=rep.unsubscribe_token),
        "facilitator": round_.partnership.owner.name or round_.partnership.owner.email,
        "kind": kind,
    }
    with in_language(rep.language):
        if kind == "invitation":
            subject = _("%(partnership)s: how is the partnership doing?", **context)
        else:
            subject = _("Reminder: %(partnership)s asks for your answers", **context)
        text = render_template("mail/invitation.txt", **context)
        html = render_template("mail/invitation.html", **context)
    return subject, text, html


def _queue(kind: str, key: str, invite: PersonalInvite) -> bool:
    subject, text, html = _compose(kind, invite)
    rep = invite.representative
    return outbox.queue_message(key, rep.email, subject, text, html, rep.language)


def invite_round(round_id: int) -> int:
    """Queue an invitation to every representative of the round's partners who has had none;
    the number queued. The worker sends them."""
    create_invites(round_id)
    queued = 0
    pending = db.session.scalars(
        select(PersonalInvite).where(
            PersonalInvite.round_id == round_id, PersonalInvite.sent_at.is_(None)
        )
    ).all()
    for invite in pending:
        if _queue("invitation", f"invitation:{invite.id}", invite):
            queued += 1
        invite.sent_at = utcnow()
        db.session.commit()
    return queued


def queue_due_reminders(today: date | None = None) -> int:
    """Queue the reminders whose date has come, to those who have not submitted, have not
    asked for no more reminders and whose address has not bounced; the number queued."""
    today = today or date.today()
    queued = 0
    rounds = db.session.scalars(select(Round).where(Round.status == "open")).all()
    for round_ in rounds:
        if not round_.accepts_answers:
            continue
        due = sum(1 for when in reminder_dates(round_) if when <= today)
        if due == 0:
            continue
        waiting = db.session.scalars(
            select(PersonalInvite)
            .join(Representative)
            .where(
                PersonalInvite.round_id == round_.id,
                PersonalInvite.sent_at.is_not(None),
                PersonalInvite.submitted_at.is_(None),
                PersonalInvite.bounced_at.is_(None),
                PersonalInvite.reminders_sent < due,
                Representative.reminders_off.is_(False),
            )
        ).all()
        for invite in waiting:
            # Only the latest reminder due: one missed while no worker ran is not sent late.
            if _queue("reminder", f"reminder:{invite.id}:{due}", invite):
                queued += 1
            invite.reminders_sent = due
            db.session.commit()
    return queued


def record_bounces() -> int:
    """Invitations whose message the server refused for good are marked bounced."""
    failed = db.session.scalars(
        select(OutboundMessage.key).where(
            OutboundMessage.status == "failed",
            OutboundMessage.key.like("invitation:%") | OutboundMessage.key.like("reminder:%"),
        )
    ).all()
    marked = 0
    for key in failed:
        invite = db.session.get(PersonalInvite, int(key.split(":")[1]))
        if invite is not None and invite.bounced_at is None:
            invite.bounced_at = utcnow()
            marked += 1
    db.session.commit()
    return marked
