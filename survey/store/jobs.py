"""Background jobs as the database sees them: what was asked, by whom, how far it has got.

The task queue (``survey.web.queue``) carries a job's id to a worker; the job's row is the
truth about it. A worker claims a job, beats its heart while working, and finishes it with its
result or its last error. A job whose heart stopped (its worker was killed) is handed to the
queue again by the periodic check (``stalled``), and every task is idempotent, so nothing is
lost and nothing is done twice over.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from survey.store.database import db
from survey.store.models import utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")
# A running job whose worker has not beaten its heart for this long is taken to be dead.
STALLED_AFTER = timedelta(seconds=90)  # the default of JOB_STALLED_AFTER_S
# A job that has killed its worker this often is not tried again: it says why instead.
MAX_ATTEMPTS = 5


class Job(db.Model):  # type: ignore[name-defined]
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The job's address: 128 random bits, so that one facilitator cannot walk another's jobs
    # (the owner is checked too: anyone else gets a 404).
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def params(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.params_json or "{}")
        return loaded


def new_job(owner_id: int, kind: str, params: dict[str, Any], total: int) -> Job:
    """A queued job, committed, so that a worker can find it the moment it is enqueued."""
    job = Job(
        public_id=secrets.token_hex(16),
        owner_id=owner_id,
        kind=kind,
        params_json=json.dumps(params, sort_keys=True),
        total=total,
    )
    db.session.add(job)
    db.session.commit()
    return job


def claim(job_id: int) -> Job | None:
    """Take a queued job for this attempt; None when it is not queued (done, failed, or taken
    by another delivery of the same task): one conditional UPDATE, so two workers handed the
    same job cannot both run it."""
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    if job.status == "queued" and job.attempts >= MAX_ATTEMPTS:
        fail(job_id, job.error or f"stopped after {MAX_ATTEMPTS} attempts", final=True)
        return None
    taken = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", attempts=Job.attempts + 1, done=0, heartbeat_at=utcnow())
    )
    db.session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    db.session.refresh(job)
    return job


def beat(job_id: int, done: int) -> None:
    """Progress, and a sign of life, in one short transaction of its own."""
    db.session.execute(update(Job).where(Job.id == job_id).values(done=done, heartbeat_at=utcnow()))
    db.session.commit()


def finish(job_id: int, result: str) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status="done", done=Job.total, result=result, finished_at=utcnow(), error="")
    )
    db.session.commit()


def fail(job_id: int, error: str, *, final: bool) -> None:
    """Record the error; a job with tries left goes back to ``queued`` for its retry."""
    values: dict[str, Any] = {"error": error[:2000], "heartbeat_at": None}
    values |= {"status": "failed", "finished_at": utcnow()} if final else {"status": "queued"}
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def stalled(after: timedelta = STALLED_AFTER) -> list[int]:
    """Running jobs whose worker stopped beating (killed mid-task), put back to queued. Each
    is flipped by a conditional UPDATE, so two workers checking at once requeue it once."""
    limit = utcnow() - after
    candidates = db.session.scalars(
        select(Job.id).where(Job.status == "running", Job.heartbeat_at < limit)
    ).all()
    requeued = []
    for job_id in candidates:
        flipped = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running", Job.heartbeat_at < limit)
            .values(status="queued", heartbeat_at=None)
        )
        if flipped.rowcount == 1:  # type: ignore[attr-defined]
            requeued.append(job_id)
    db.session.commit()
    return requeued


def owned_job(public_id: str, owner_id: int) -> Job | None:
    return db.session.scalar(
        select(Job).where(Job.public_id == public_id, Job.owner_id == owner_id)
    )


def finished_before(moment: datetime) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job).where(Job.finished_at.is_not(None), Job.finished_at < moment)
        )
    )
