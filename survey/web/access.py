"""What the signed-in facilitator may see: their own partnerships and everything under them.

Anything else answers 404, not 403, so that ids of other facilitators' data reveal nothing.
Every facilitator view fetches through these functions.

One grant widens this, and only for symposium sessions: a partnership's owner may share it
with another facilitator, who may then put its open rounds in their own sessions and see them
there (counts on the projector, partnership-level scores in the cohort view). The shared
partnership's own pages stay 404 for them (docs/decisions/0007).
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from survey.store.database import db
from survey.store.models import (
    Invitation,
    Partner,
    Partnership,
    PartnershipShare,
    Round,
    SymposiumSession,
)

T = TypeVar("T")


def _owned(model: type[T], object_id: int, *path: Any) -> T:
    """``model``'s row ``object_id`` when it belongs to the signed-in facilitator, reached by
    joining ``path`` (the models between it and its partnership); else 404."""
    query = select(model)
    for step in path:
        query = query.join(step)
    found = db.session.execute(
        query.where(model.id == object_id, Partnership.owner_id == current_user.id)  # type: ignore[attr-defined]
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def own_partnership(partnership_id: int) -> Partnership:
    return _owned(Partnership, partnership_id)


def own_round(round_id: int) -> Round:
    return _owned(Round, round_id, Partnership)


def own_partner(partner_id: int) -> Partner:
    return _owned(Partner, partner_id, Partnership)


def own_invitation(invitation_id: int) -> Invitation:
    return _owned(Invitation, invitation_id, Round, Partnership)


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
