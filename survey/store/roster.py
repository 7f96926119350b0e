"""Each partner's representatives, their personal invitations to a round, and what is known of
each invitation: sent, opened, submitted, bounced.

Completion without attribution: a personal invitation records *that* its representative has
submitted, so that reminders go only to those who have not; the response they submitted holds
no link to the invitation or the representative (it points at the partner's shared link, as
an answer given in the room does). The two are joined for a moment in the representative's own
browser session, never in the database (docs/decisions/0019-roster-without-attribution.md).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.store.database import db
from survey.store.models import Partner, Round, utcnow

# Reminders, by default: 3 and 7 days after the round opens, and 1 day before it closes.
DEFAULT_DAYS_AFTER_OPEN = (3, 7)
DEFAULT_DAYS_BEFORE_CLOSE = 1


def _token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, as every link of the app


class Representative(db.Model):  # type: ignore[name-defined]
    __tablename__ = "representative"
    __table_args__ = (UniqueConstraint("partner_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="en")
    reminders_off: Mapped[bool] = mapped_column(Boolean, default=False)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True, default=_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partner: Mapped[Partner] = relationship()


class PersonalInvite(db.Model):  # type: ignore[name-defined]
    __tablename__ = "personal_invite"
    __table_args__ = (UniqueConstraint("round_id", "representative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    representative_id: Mapped[int] = mapped_column(
        ForeignKey("representative.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True, default=_token)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)

    representative: Mapped[Representative] = relationship()
    round: Mapped[Round] = relationship()


def invites_to_create(round_id: int) -> list[Representative]:
    """The round's partners' representatives who have no personal invitation yet."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        return []
    invited = select(PersonalInvite.representative_id).where(PersonalInvite.round_id == round_id)
    return list(
        db.session.scalars(
            select(Representative)
            .join(Partner)
            .where(Partner.partnership_id == round_.partnership_id)
            .where(Representative.id.not_in(invited))
            .order_by(Partner.position, Representative.id)
        )
    )


def create_invites(round_id: int) -> list[PersonalInvite]:
    """A personal invitation for each representative who has none; committed."""
    created = [
        PersonalInvite(round_id=round_id, representative_id=rep.id)
        for rep in invites_to_create(round_id)
    ]
    db.session.add_all(created)
    db.session.commit()
    return created


def open_invite(token: str) -> PersonalInvite | None:
    """The invitation behind a personal link, marked opened the first time."""
    invite = db.session.scalar(select(PersonalInvite).where(PersonalInvite.token == token))
    if invite is not None and invite.opened_at is None:
        invite.opened_at = utcnow()
        db.session.commit()
    return invite


def mark_submitted(token: str, round_id: int) -> None:
    """The representative holding this personal link has submitted in this round."""
    db.session.execute(
        update(PersonalInvite)
        .where(
            PersonalInvite.token == token,
            PersonalInvite.round_id == round_id,
            PersonalInvite.submitted_at.is_(None),
        )
        .values(submitted_at=utcnow())
    )
    db.session.commit()


def reminder_dates(round_: Round) -> list[date]:
    """When reminders go, in order: days after the round opens, and before it closes."""
    dates = []
    if round_.opens_on is not None:
        dates += [round_.opens_on + timedelta(days=d) for d in DEFAULT_DAYS_AFTER_OPEN]
    if round_.closes_on is not None:
        dates.append(round_.closes_on - timedelta(days=DEFAULT_DAYS_BEFORE_CLOSE))
    return sorted(set(dates))


@dataclass(frozen=True)
class PartnerReach:
    """One partner's personal invitations in a round, counted (never named per answer)."""

    partner_id: int
    partner: str
    representatives: int
    invited: int
    opened: int
    submitted: int
    bounced: int


def reach(round_id: int) -> list[PartnerReach]:
    """Per partner of the round's partnership: representatives, and their invitations'
    states, counted."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        return []
    invites = (
        select(
            Representative.partner_id.label("partner_id"),
            func.count(PersonalInvite.id).label("invited"),
            func.count(PersonalInvite.opened_at).label("opened"),
            func.count(PersonalInvite.submitted_at).label("submitted"),
            func.count(PersonalInvite.bounced_at).label("bounced"),
        )
        .join(Representative, Representative.id == PersonalInvite.representative_id)
        .where(PersonalInvite.round_id == round_id, PersonalInvite.sent_at.is_not(None))
        .group_by(Representative.partner_id)
        .subquery()
    )
    people = (
        select(Representative.partner_id, func.count(Representative.id).label("n"))
        .group_by(Representative.partner_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Partner.id,
            Partner.name,
            func.coalesce(people.c.n, 0),
            func.coalesce(invites.c.invited, 0),
            func.coalesce(invites.c.opened, 0),
            func.coalesce(invites.c.submitted, 0),
            func.coalesce(invites.c.bounced, 0),
        )
        .outerjoin(people, people.c.partner_id == Partner.id)
        .outerjoin(invites, invites.c.partner_id == Partner.id)
        .where(Partner.partnership_id == round_.partnership_id)
        .order_by(Partner.position, Partner.id)
    )
    return [PartnerReach(int(r[0]), str(r[1]), *(int(n) for n in r[2:])) for r in rows]
