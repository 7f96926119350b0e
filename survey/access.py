"""What the signed-in facilitator may see: their own partnerships and everything under them.

Anything else answers 404, not 403, so that ids of other facilitators' data reveal nothing.
Every facilitator view fetches through these functions.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from survey.extensions import db
from survey.models import Invitation, Partner, Partnership, Round


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
