"""What the workers do: symposium packs, reports laid out before anyone asks, housekeeping.

Every task is idempotent (a job already done is not done again; a report already in the cache
is not laid out again) and writes its result atomically (a temporary file, then a rename), so
that a task delivered twice, or run again after its worker was killed, loses nothing and
leaves nothing half-written.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from huey import crontab
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from reports.content import UnknownPartner
from reports.pack import pack_chunks
from survey.store import jobs
from survey.store.database import db
from survey.store.models import Round, utcnow
from survey.store.round_scores import questionnaire_of
from survey.web import queue
from survey.web.printed_reports import pack_items, pdf_cache, pdf_workers, round_pdf
from survey.web.queue import app_periodic_task, app_task, huey

log = logging.getLogger(__name__)

PACK = "pack"
# How long a finished pack stays downloadable; the page says so.
KEEP_RESULTS = timedelta(days=7)
RETRIES = 3


def results_dir() -> Path:
    folder = Path(current_app.config["JOB_RESULTS_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def result_path(job: jobs.Job) -> Path:
    return results_dir() / job.result


# -- symposium packs ------------------------------------------------------------------------


def enqueue_pack(owner_id: int, round_ids: list[int], language: str | None, size: str) -> str:
    """A pack job for these rounds (already checked to be the owner's); its public id."""
    params = {"rounds": round_ids, "language": language, "size": size}
    job = jobs.new_job(owner_id, PACK, params, total=len(round_ids) + 1)
    build_pack(job.id)
    return job.public_id


@app_task(retries=RETRIES, retry_delay=2, retry_backoff=2.0, context=True)
def build_pack(job_id: int, task: Any = None) -> None:
    """Lay the pack out into a ZIP beside the database, report by report, beating the job's
    heart after each one so that the progress page moves and a dead worker is noticed."""
    job = jobs.claim(job_id)
    if job is None:
        return
    params = job.params
    try:
        folder = results_dir()
        name = f"{job.public_id}.zip"
        # One temporary name per job: a retry after a killed worker writes over the half-made
        # file that worker left, and the rename makes the finished ZIP appear whole.
        temporary = folder / f"{name}.part"
        try:
            with temporary.open("wb") as out:
                for chunk in pack_chunks(
                    pack_items(params["rounds"], params["language"]),
                    len(params["rounds"]),
                    page_size=params["size"],
                    language=params["language"],
                    progress=lambda done, _total, _name: jobs.beat(job_id, done),
                    workers=pdf_workers(),
                    cache=pdf_cache(),
                ):
                    out.write(chunk)
            os.replace(temporary, folder / name)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except Exception as exc:
        db.session.rollback()
        left = int(task.retries) if task is not None else 0
        log.warning("pack job %s failed (%s tries left): %s", job_id, left, exc)
        jobs.fail(job_id, _reason(exc), final=left == 0)
        raise
    jobs.finish(job_id, name)


def _reason(exc: Exception) -> str:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return last[:500]


# -- reports ready before they are asked for ----------------------------------------------


@app_task(retries=2, retry_delay=5)
def render_round_reports(round_id: int) -> None:
    """Lay out a round's partnership report and every partner's copy, in each of the
    instrument's languages, into the PDF cache: a click on "PDF" is then a file read."""
    huey.delete(_render_key(round_id))  # answers changing from now on schedule again
    round_ = db.session.get(Round, round_id)
    if round_ is None or pdf_cache() is None:
        return
    for language in questionnaire_of(round_).languages:
        round_pdf(round_, language)
        for partner in round_.partnership.partners:
            try:
                round_pdf(round_, language, partner=partner.name)
            except UnknownPartner:
                continue  # pooled with other small partners: it gets no copy of its own


# An open round's answers change often; lay its reports out at most once in this long.
RENDER_DEBOUNCE_S = 60


def _render_key(round_id: int) -> str:
    return f"render-pending:{round_id}"


def reports_changed(round_id: int, *, now: bool = False) -> None:
    """Schedule the round's reports: at once when it closes, or after the debounce when an
    answer arrives (one task per debounce window, however many answers). The queue being
    unreachable costs the head start, never the answer or the change that called this."""
    try:
        if now:
            render_round_reports(round_id)
        elif not huey.storage.has_data_for_key(_render_key(round_id)) and huey.put_if_empty(
            _render_key(round_id), "1"
        ):  # a read first: within the minute, a submission writes nothing to the queue
            render_round_reports.schedule((round_id,), delay=RENDER_DEBOUNCE_S)
    except Exception:
        log.exception("could not queue the reports of round %s", round_id)


# -- housekeeping ---------------------------------------------------------------------------


@app_periodic_task(crontab(minute="*"))
def requeue_stalled() -> None:
    """Jobs whose worker died mid-task (its heart stopped) go back to the queue."""
    _requeue_stalled()


def _requeue_stalled() -> None:
    after = timedelta(seconds=current_app.config["JOB_STALLED_AFTER_S"])
    for job_id in jobs.stalled(after):
        log.warning("job %s stalled (its worker stopped): queued again", job_id)
        build_pack(job_id)


@huey.on_startup()
def requeue_stalled_at_start() -> None:
    """A worker that starts (after a crash, say) looks for stalled jobs at once, rather than
    at the next minute's check."""
    queue_app = queue.bound_app()
    if queue_app is not None:
        with queue_app.app_context():
            try:
                _requeue_stalled()
            finally:
                db.session.remove()


@app_periodic_task(crontab(minute="17", hour="3"))
def expire_results() -> None:
    """Finished packs are kept for KEEP_RESULTS, then deleted (the job row says so)."""
    for job in jobs.finished_before(utcnow() - KEEP_RESULTS):
        if job.result:
            result_path(job).unlink(missing_ok=True)
            job.result = ""
    db.session.commit()


# -- when reports change --------------------------------------------------------------------


def _rounds_closed(session: Session, _context: object) -> None:
    """After a flush: the rounds whose status just became ``closed`` (any path: the round
    page, its edit form, the CLI), remembered until the transaction commits."""
    for target in session.dirty:
        if isinstance(target, Round):
            history: Any = inspect(target).attrs.status.history
            if "closed" in (history.added or ()) and "closed" not in (history.deleted or ()):
                session.info.setdefault("closed_rounds", set()).add(target.id)


def _after_commit(session: Session) -> None:
    for round_id in session.info.pop("closed_rounds", ()):
        reports_changed(round_id, now=True)


def _after_rollback(session: Session) -> None:
    session.info.pop("closed_rounds", None)


def watch_rounds() -> None:
    """Lay a round's reports out when it closes. Idempotent: listeners are added once."""
    if not event.contains(Session, "after_flush", _rounds_closed):
        event.listen(Session, "after_flush", _rounds_closed)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))


# -- e-mail ---------------------------------------------------------------------------------


@app_task()
def send_mail() -> None:
    """Send the outbox now (after invitations are queued, say)."""
    from survey.web.mail import send_due

    send_due()


@app_periodic_task(crontab(minute="*"))
def send_mail_every_minute() -> None:
    """Messages waiting for a retry, and any queued while no worker ran."""
    from survey.web.invitations import record_bounces
    from survey.web.mail import send_due

    send_due()
    record_bounces()


@app_periodic_task(crontab(minute="5"))
def send_due_reminders() -> None:
    """Every hour: reminders whose date has come, to those who have not submitted."""
    from survey.web.invitations import queue_due_reminders

    if queue_due_reminders():
        send_mail()
