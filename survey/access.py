"""What the signed-in facilitator may see: their own partnerships and everything under them.

Anything else answers 404, not 403, so that ids of other facilitators' data reveal nothing.
Every facilitator view fetches through these functions.

One grant widens this, and only for symposium sessions: a partnership's owner may share it
with another facilitator, who may then put its open rounds in their own sessions and see them
there (counts on the projector, partnership-level scores in the cohort view). The shared
partnership's own pages stay 404 for them (docs/decisions/0007).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from survey.extensions import db
from survey.models import (
    Invitation,
    Partner,
    Partnership,
    PartnershipShare,
    Round,
    SymposiumSession,
)


def own_partnership(partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or partnership.owner_id != current_user.id:
        abort(404)
    return partnership


def own_round(round_id: int) -> Round:
    round_ = db.session.execute(
        select(Round)
        .join(Partnership)
        .where(Round.id == round_id, Partnership.owner_id == current_user.id)
    ).scalar_one_or_none()
    if round_ is None:
        abort(404)
    return round_


def own_partner(partner_id: int) -> Partner:
    partner = db.session.execute(
        select(Partner)
        .join(Partnership)
        .where(Partner.id == partner_id, Partnership.owner_id == current_user.id)
    ).scalar_one_or_none()
    if partner is None:
        abort(404)
    return partner


def own_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.execute(
        select(Invitation)
        .join(Round)
        .join(Partnership)
        .where(Invitation.id == invitation_id, Partnership.owner_id == current_user.id)
    ).scalar_one_or_none()
    if invitation is None:
        abort(404)
    return invitation


def own_session(session_id: int) -> SymposiumSession:
    session = db.session.get(SymposiumSession, session_id)
    if session is None or session.owner_id != current_user.id:
        abort(404)
    return session


def includable_rounds() -> list[Round]:
    """Open rounds the facilitator may put in a session: of their own partnerships, and of
    partnerships shared with them."""
    shared = select(PartnershipShare.partnership_id).where(
        PartnershipShare.facilitator_id == current_user.id
    )
    return list(
        db.session.scalars(
            select(Round)
            .join(Partnership)
            .where(
                Round.status == "open",
                or_(Partnership.owner_id == current_user.id, Partnership.id.in_(shared)),
            )
            .order_by(Partnership.name, Round.created_at.desc(), Round.id)
        )
    )
