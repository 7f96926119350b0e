"""E-mail waiting to be sent, and what became of it.

A message is written here first, in the transaction that decides it should go (an invitation,
a reminder), under a key that says what it is for; the same key twice is the same message, so
a command or task run twice queues nothing twice. A sender then takes it (``claim``), hands it
to the mail server, and records the outcome.

At most once: a message is marked ``sending`` before it is handed over. If the sender dies
between the server's acceptance and the record of it, the message stays ``sending``; after
``SENDING_STALE`` it is marked ``unknown`` and never sent again, so a crash can cost a
message (the round page shows it) but never sends one twice. Temporary failures (the server
unreachable, a 4xx reply) put the message back in the queue with a growing delay.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from survey.store.database import db
from survey.store.models import utcnow

STATUSES = ("queued", "sending", "sent", "logged", "failed", "unknown")
MAX_ATTEMPTS = 6
SENDING_STALE = timedelta(minutes=10)


class OutboundMessage(db.Model):  # type: ignore[name-defined]
    __tablename__ = "outbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is for ("invitation:<invite id>", "reminder:<invite id>:<n>"): unique.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def queue_message(
    key: str, to: str, subject: str, text: str, html: str = "", language: str = "en"
) -> bool:
    """Queue a message unless one with this key exists; True when it is new. Commits."""
    if db.session.scalar(select(OutboundMessage.id).where(OutboundMessage.key == key)):
        return False
    db.session.add(
        OutboundMessage(
            key=key,
            to_address=to,
            subject=subject,
            text_body=text,
            html_body=html,
            language=language,
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # queued by another process between the look-up and the insert
        db.session.rollback()
        return False
    return True


def claim(message_id: int) -> OutboundMessage | None:
    """Mark a queued message ``sending`` (one conditional UPDATE: one sender only)."""
    taken = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.status == "queued")
        # sent_at holds when the handing-over began until the outcome is recorded.
        .values(status="sending", attempts=OutboundMessage.attempts + 1, sent_at=utcnow())
    )
    db.session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboundMessage, message_id)


def due(limit: int = 100) -> list[int]:
    """Queued messages whose time has come, oldest first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.status == "queued",
                (OutboundMessage.not_before.is_(None)) | (OutboundMessage.not_before <= now),
            )
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
    )


def record(message_id: int, status: str, error: str = "") -> None:
    """The outcome of one attempt: sent, logged (no mail server configured), failed."""
    values: dict[str, object] = {"status": status, "last_error": error[:1000]}
    if status in ("sent", "logged"):
        values["sent_at"] = utcnow()
    db.session.execute(
        update(OutboundMessage).where(OutboundMessage.id == message_id).values(**values)
    )
    db.session.commit()


def retry_later(message: OutboundMessage, error: str) -> None:
    """A temporary failure: back to the queue after 1, 2, 4... minutes, or failed for good."""
    if message.attempts >= MAX_ATTEMPTS:
        record(message.id, "failed", error)
        return
    delay = timedelta(minutes=2 ** (message.attempts - 1))
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message.id)
        .values(status="queued", last_error=error[:1000], not_before=utcnow() + delay)
    )
    db.session.commit()


def give_up_on_stale_sending(now: datetime | None = None) -> int:
    """Messages left ``sending`` by a sender that died: ``unknown``, never sent again."""
    limit = (now or utcnow()) - SENDING_STALE
    result = db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.status == "sending", OutboundMessage.sent_at < limit)
        .values(status="unknown", last_error="the sender stopped while sending; not resent")
    )
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def recent(limit: int = 100) -> list[OutboundMessage]:
    return list(
        db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit))
    )
