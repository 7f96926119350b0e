"""Background work on the real task queue (survey/web/queue.py, survey/web/tasks.py).

The worker is Huey's own consumer: in threads of the test process (the ``worker`` fixture), or
a real ``survey worker`` process that the test kills mid-pack and starts again.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from survey.store import jobs
from survey.store.database import db
from survey.store.jobs import Job
from survey.store.models import Round
from tests.helpers import (
    complete_response,
    download_pack,
    get_csrf,
    path_of,
    text_of,
    wait_for_job,
)
from tests.web.test_reports_web import PARTNERS, add_responses


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, Any]:
    return {"PDF_CACHE_DIR": str(tmp_path / "pdf-cache")}


@pytest.fixture
def answered(app: Any, world: Any) -> Any:
    add_responses(app, world.round.id, world.partnership.partners, dict.fromkeys(PARTNERS, 1))
    return world


def _ask_for_pack(client, round_ids: list[int]):
    return client.post(
        "/symposium-pack",
        data={
            "csrf_token": get_csrf(client, "/symposium-pack"),
            "round": [str(r) for r in round_ids],
            "lang": "en",
        },
    )


def _job(app, public_id: str) -> Job:
    with app.app_context():
        job = db.session.scalar(db.select(Job).where(Job.public_id == public_id))
        db.session.expunge(job)
        return job


def test_asking_for_a_pack_only_queues_it(app, client, login, answered) -> None:
    """No worker: the request returns at once with the job's page, which says it waits."""
    login(client, answered.owner)
    started = time.monotonic()
    response = _ask_for_pack(client, [answered.round.id])
    assert time.monotonic() - started < 2.0  # nothing was laid out in the request
    assert response.status_code == 303
    job_url = path_of(response.headers["Location"])
    page = client.get(job_url)
    assert page.status_code == 200
    assert "Waiting for a worker" in text_of(page)
    assert client.get(f"{job_url}.json").get_json() == {
        "status": "queued",
        "done": 0,
        "total": 2,
        "error": "",
        "download": False,
    }
    assert client.get(f"{job_url}/download").status_code == 404


def test_a_pack_over_http_is_made_by_the_worker_and_only_its_owner_gets_it(
    app, client, login, answered, new_client, worker
) -> None:
    login(client, answered.owner)
    response = _ask_for_pack(client, [answered.round.id])
    job_url = path_of(response.headers["Location"])
    names = zipfile.ZipFile(io.BytesIO(download_pack(client, response))).namelist()
    assert names[0].endswith(".pdf") and len(names) == 2
    done = text_of(client.get(job_url))
    assert "The pack is ready" in done and "Download the pack" in done
    other = login(new_client(), answered.other)
    for url in (job_url, f"{job_url}.json", f"{job_url}/download"):
        assert other.get(url).status_code == 404, url


def test_a_job_delivered_twice_runs_once(app, answered) -> None:
    with app.app_context():
        job = jobs.new_job(answered.owner.id, "pack", {"rounds": []}, total=1)
        assert jobs.claim(job.id) is not None
        assert jobs.claim(job.id) is None  # the second delivery finds it running
        jobs.finish(job.id, "x.zip")
        assert jobs.claim(job.id) is None  # and finished


def test_a_failing_pack_is_retried_then_shows_its_reason(
    app, client, login, answered, worker, monkeypatch
) -> None:
    from survey.web import tasks

    calls: list[int] = []

    def broken(*_args, **_kwargs):
        calls.append(1)
        raise OSError("the disk is full")

    monkeypatch.setattr(tasks, "pack_chunks", broken)
    # The real back-off is 2 s, 4 s, 8 s: the same retries, without the wait.
    monkeypatch.setattr(tasks.build_pack.task_class, "default_retry_delay", 0)
    login(client, answered.owner)
    response = _ask_for_pack(client, [answered.round.id])
    job_url = path_of(response.headers["Location"])
    state = wait_for_job(client, job_url, timeout=30)
    assert state["status"] == "failed"
    assert state["error"] == "OSError: the disk is full"
    assert len(calls) == 1 + tasks.RETRIES
    page = text_of(client.get(job_url))
    assert "The pack could not be made" in page and "OSError: the disk is full" in page
    assert f"It was tried {1 + tasks.RETRIES} times" in page


def test_a_closed_rounds_pdf_is_laid_out_before_anyone_asks(
    app, client, login, answered, worker, monkeypatch
) -> None:
    """Closing the round queues its reports; once the worker has run, a click on "PDF" is
    served from the cache without reaching WeasyPrint."""
    from survey.web.queue import huey

    with app.app_context():
        db.session.get(Round, answered.round.id).status = "closed"
        db.session.commit()
    deadline = time.monotonic() + 120
    while huey.pending_count() and time.monotonic() < deadline:
        time.sleep(0.2)
    worker.stop(graceful=True)  # returns when the task in hand is finished
    assert list(Path(app.config["PDF_CACHE_DIR"]).rglob("*.pdf")), "nothing was laid out"

    import weasyprint

    def no_layout(*_args, **_kwargs):
        raise AssertionError("WeasyPrint was asked to lay the report out again")

    monkeypatch.setattr(weasyprint, "HTML", no_layout)
    login(client, answered.owner)
    for lang in ("en", "fr"):
        response = client.get(f"/rounds/{answered.round.id}/report.pdf?lang={lang}")
        assert response.status_code == 200 and response.mimetype == "application/pdf", lang
    police = answered.partnership.partners["Police"]
    copy = client.get(f"/rounds/{answered.round.id}/partners/{police}/report.pdf")
    assert copy.status_code == 200 and copy.mimetype == "application/pdf"


def test_a_worker_killed_mid_pack_loses_nothing(
    app, client, login, answered, make_partnership, make_round, database_url, tmp_path
) -> None:
    """A real `survey worker` process, SIGKILLed after the first report; a new worker finds the
    stalled job at start-up, runs it again, and the pack is complete."""
    rounds = [answered.round.id]
    for name in ("Northside", "Eastside", "Westside"):
        rounds.append(make_round(make_partnership(answered.owner, ("Fire",), name=name)).id)
    login(client, answered.owner)
    response = _ask_for_pack(client, rounds)
    job_url = path_of(response.headers["Location"])
    public_id = job_url.rsplit("/", 1)[-1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUEUE_URL": app.config["QUEUE_URL"],
        "JOB_RESULTS_DIR": app.config["JOB_RESULTS_DIR"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "QUESTIONNAIRES_DIR": app.config["QUESTIONNAIRES_DIR"],
        "PDF_CACHE_DIR": "",
        "PDF_WORKERS": "1",
        "JOB_STALLED_AFTER_S": "2",
    }
    survey = [str(Path(sys.executable).parent / "survey"), "worker", "--threads", "1"]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            survey, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    first = start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job = _job(app, public_id)
            if job.status == "running" and job.done >= 1:
                break
            time.sleep(0.1)
        assert job.status == "running" and job.done >= 1, (job.status, job.done)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    killed = _job(app, public_id)
    assert killed.status == "running" and killed.done < killed.total  # half-made, owner-less
    assert not list(Path(app.config["JOB_RESULTS_DIR"]).glob("*.zip"))
    time.sleep(2.5)  # its heart has stopped for longer than JOB_STALLED_AFTER_S
    second = start()
    try:
        state = wait_for_job(client, job_url, timeout=120)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            second.kill()
    assert state["status"] == "done", state
    assert _job(app, public_id).attempts == 2
    with client.get(f"{job_url}/download") as download:
        names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert len(names) == len(rounds) + 1
    assert not list(Path(app.config["JOB_RESULTS_DIR"]).glob("*.part"))  # nothing half-written


def test_answers_arriving_schedule_one_layout_per_minute(app, world, new_client) -> None:
    """Each submission asks for the round's reports again, but within the debounce window
    they are laid out once, a minute after the first."""
    from survey.web.queue import huey

    assert huey.pending_count() == 0
    complete_response(new_client(), world.round.token("Police"))
    complete_response(new_client(), world.round.token("Housing"))
    # Queued with its time to run (the consumer holds it back until then).
    queued = huey.pending()
    assert [task.args for task in queued] == [(world.round.id,)]
    assert queued[0].name.endswith("render_round_reports") and queued[0].eta is not None


def test_a_queue_that_does_not_answer_never_costs_an_answer(
    app, world, new_client, monkeypatch
) -> None:
    from survey.web.queue import huey

    def down(*_args, **_kwargs):
        raise ConnectionError("the queue is unreachable")

    monkeypatch.setattr(huey, "put_if_empty", down)
    client = new_client()
    resume = complete_response(client, world.round.token("Police"))
    assert client.get(f"/s/{resume}/done").status_code == 200
