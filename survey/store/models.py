"""Database models: who runs what, and every answer people typed.

Answers are one row per (response, question), unique in the database, so that two tabs saving
the same page, or a double-clicked button, can never leave duplicate answers. A round stores
the exact instrument text it was created with, so editing a YAML file later never changes it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, cast

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from survey.store.database import db

if TYPE_CHECKING:
    from survey.core.questionnaire import Questionnaire
from survey.core.symposium import new_code


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """An unguessable URL token: 192 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(24)


ROUND_STATUSES = ("draft", "open", "closed")


_DUMMY_HASH: str | None = None


def check_no_password(password: str) -> bool:
    """Check ``password`` against a hash of nothing anyone knows, as long as a real check
    takes: a sign-in with an unknown or inactive email must not answer faster than one with a
    wrong password (that would tell who has an account). Always False."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))
    check_password_hash(_DUMMY_HASH, password)
    return False


class Facilitator(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "facilitator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator issues a temporary password: the next sign-in must choose one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partnerships: Mapped[list[Partnership]] = relationship(back_populates="owner")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def session_stamp(self) -> str:
        """Changes whenever the password does (each hash has its own salt): a browser signed in
        before a password change or a new temporary password is signed out at its next request."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    #: The sign-in this request came with ("<id>.<stamp>.<key>"), set by the user loader and
    #: by :meth:`SignIn.start`; Flask-Login stores it in the session and the remember cookie.
    # Not annotated, so that the ORM does not map it; the cast gives mypy its type.
    sign_in_id = cast("str | None", None)

    def get_id(self) -> str:
        if self.sign_in_id is None:
            raise RuntimeError("sign in through SignIn.start, which records the sign-in")
        return self.sign_in_id


class SignIn(db.Model):  # type: ignore[name-defined]
    """One browser's sign-in, kept on the server so that it can end there: signing out deletes
    it, "sign out everywhere", deactivation and a new password delete all of the account's.
    A cookie (session or remember-me) names its sign-in by a random key, stored hashed, and is
    good for :data:`SIGN_IN_LIFETIME` from the sign-in at most, whatever the cookie says."""

    __tablename__ = "sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def start(cls, user: Facilitator) -> SignIn:
        """A new sign-in for ``user`` (added to the session, not committed); sets the id that
        Flask-Login will store."""
        key = secrets.token_urlsafe(24)
        sign_in = cls(facilitator_id=user.id, key_hash=cls.hash_key(key), created_at=utcnow())
        db.session.add(sign_in)
        user.sign_in_id = f"{user.id}.{user.session_stamp}.{key}"
        return sign_in


class Partnership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # A partner with fewer respondents than this is pooled into "other partners" everywhere.
    # 3: results "per organisation, never per person" (decision 0022); a facilitator may
    # lower it, with a warning of what that exposes.
    min_group_size: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[Facilitator] = relationship(back_populates="partnerships")
    partners: Mapped[list[Partner]] = relationship(
        back_populates="partnership",
        order_by="Partner.position, Partner.id",
        cascade="all, delete-orphan",
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="partnership",
        order_by="Round.created_at.desc()",
        cascade="all, delete-orphan",
    )


class Partner(db.Model):  # type: ignore[name-defined]
    __tablename__ = "partner"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(100), default="")
    lead: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str | None] = mapped_column(String(20))  # the role the partnership lists
    invited: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    partnership: Mapped[Partnership] = relationship(back_populates="partners")


def accepts_answers(status: str, opens_on: date | None, closes_on: date | None) -> bool:
    """Whether a round with this status and these dates takes answers today."""
    if status != "open":
        return False
    today = date.today()
    if opens_on and today < opens_on:
        return False
    return not (closes_on and today > closes_on)


class Round(db.Model):  # type: ignore[name-defined]
    __tablename__ = "round"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    # The instrument as it was when the round was created: the text and its SHA-256.
    instrument_file: Mapped[str] = mapped_column(String(200))
    instrument_id: Mapped[str] = mapped_column(String(100))
    instrument_version: Mapped[str] = mapped_column(String(50))
    # Deferred: every respondent's page loads its round, and needs only the hash
    # (survey.core.instruments.pinned_by_hash); the text is read when a process first meets it.
    instrument_yaml: Mapped[str] = mapped_column(Text, deferred=True)
    instrument_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="rounds")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )
    responses: Mapped[list[Response]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    @staticmethod
    def pinned_instrument(filename: str, questionnaire: Questionnaire) -> dict[str, str]:
        """The columns that pin an instrument to a round: its file, id, version, text, hash."""
        return {
            "instrument_file": filename,
            "instrument_id": questionnaire.id,
            "instrument_version": str(questionnaire.version),
            "instrument_yaml": questionnaire.source_text,
            "instrument_sha256": questionnaire.sha256,
        }

    @property
    def accepts_answers(self) -> bool:
        return accepts_answers(self.status, self.opens_on, self.closes_on)

    @property
    def has_closed(self) -> bool:
        """Closed by the facilitator, or past its closing date (as respondents see it)."""
        return self.status == "closed" or bool(self.closes_on and date.today() > self.closes_on)


class Invitation(db.Model):  # type: ignore[name-defined]
    """A partner's link for a round, shared by all of that partner's representatives."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    round: Mapped[Round] = relationship(back_populates="invitations")
    partner: Mapped[Partner] = relationship()


class Response(db.Model):  # type: ignore[name-defined]
    """One person's answers in a round; ``resume_token`` is their private way back."""

    __tablename__ = "response"
    # A paper respondent is imported once per round (re-importing a file stores nothing new).
    # Web responses have no label, and NULLs never collide in SQLite or PostgreSQL.
    __table_args__ = (UniqueConstraint("round_id", "label", name="uq_response_round_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id"))
    resume_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    language: Mapped[str] = mapped_column(String(10), default="en")
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | paper
    label: Mapped[str | None] = mapped_column(String(100))  # the respondent id of a paper import
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    round: Mapped[Round] = relationship(back_populates="responses")
    partner: Mapped[Partner] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):  # type: ignore[name-defined]
    """One answer: the option value, ``na``, ``;``-joined values, or the text typed."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


class SymposiumSession(db.Model):  # type: ignore[name-defined]
    """A live session in a room: open rounds of several partnerships behind one short code."""

    __tablename__ = "symposium_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(6), unique=True, default=new_code)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[Facilitator] = relationship()
    session_rounds: Mapped[list[SessionRound]] = relationship(
        back_populates="session", order_by="SessionRound.id", cascade="all, delete-orphan"
    )

    @property
    def rounds(self) -> list[Round]:
        return [sr.round for sr in self.session_rounds]


class SessionRound(db.Model):  # type: ignore[name-defined]
    __tablename__ = "session_round"
    __table_args__ = (UniqueConstraint("session_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("symposium_session.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)

    session: Mapped[SymposiumSession] = relationship(back_populates="session_rounds")
    round: Mapped[Round] = relationship()


class PartnershipShare(db.Model):  # type: ignore[name-defined]
    """The owner lets another facilitator put this partnership's open rounds in their sessions.

    Nothing more: the partnership's own pages stay the owner's (docs/decisions/0007).
    """

    __tablename__ = "partnership_share"
    __table_args__ = (UniqueConstraint("partnership_id", "facilitator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True
    )
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    partnership: Mapped[Partnership] = relationship()
    facilitator: Mapped[Facilitator] = relationship()
