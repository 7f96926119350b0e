"""Background work, measured as a facilitator meets it.

* ``report_click_closed_round_s``: a 20-partner round is closed; its reports are laid out by a
  real ``survey worker`` process; then the click on "PDF" is timed (goal: at most 0.1 s).
* ``pack_40_partnerships_s``: a symposium pack of 40 partnerships (8 partners each) asked for
  over the web and made by a worker (two layout processes), from the click to the ZIP.
* ``longest_request_during_pack_s``: the slowest web request while that pack is being made:
  the request that asks for it, the job page's polls, and a dashboard opened meanwhile (goal:
  at most 2 s, whatever the pack's size).

The web requests go through the app in this process (Flask's test client: the server's own
time, without a network); the worker is a separate process, as in production.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_dashboard import QUESTIONNAIRES, build_round
from benchmarks.timing import emit
from survey import create_app
from survey.store.database import db
from survey.store.models import Facilitator, Round

PACK_PARTNERSHIPS = 40
PACK_PARTNERS = 8
SECRET = "bench-secret-key-0123456789abcdef-0123456789"


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "survey"), "worker", "--threads", "2"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config: dict[str, Any] = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
            "SECRET_KEY": SECRET,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            "QUEUE_URL": f"sqlite:///{tmp}/queue.db",
            "JOB_RESULTS_DIR": f"{tmp}/jobs",
            "PDF_CACHE_DIR": f"{tmp}/pdf-cache",
            "PDF_WORKERS": 2,
        }
        app = create_app(config)
        with app.app_context():
            db.create_all()
            user = Facilitator(email="bench@example.org")
            user.set_password("bench-password")
            db.session.add(user)
            db.session.commit()
            twenty = build_round(20, 200)
            pack_rounds = [
                build_round(PACK_PARTNERS, 5 * PACK_PARTNERS, seed=i)
                for i in range(PACK_PARTNERSHIPS)
            ]
        env = {
            **os.environ,
            "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": SECRET,
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            "QUEUE_URL": config["QUEUE_URL"],
            "JOB_RESULTS_DIR": config["JOB_RESULTS_DIR"],
            "PDF_CACHE_DIR": config["PDF_CACHE_DIR"],
            "PDF_WORKERS": "2",
        }
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": "bench-password"})
        worker = _worker(env)
        try:
            _report_click(app, client, twenty)
            _pack(client, pack_rounds, twenty)
        finally:
            _stop(worker)


def _report_click(app: Any, client: Any, round_id: int) -> None:
    from survey.web.queue import huey

    with app.app_context():
        db.session.get(Round, round_id).status = "closed"  # queues its reports
        db.session.commit()
    deadline = time.monotonic() + 600
    cache = Path(app.config["PDF_CACHE_DIR"])
    # The partnership report and 20 partner copies in English and in French.
    while time.monotonic() < deadline:
        if huey.pending_count() == 0 and len(list(cache.rglob("*.pdf"))) >= 2 * 21:
            break
        time.sleep(0.5)
    clicks = []
    for _ in range(5):
        start = time.perf_counter()
        response = client.get(f"/rounds/{round_id}/report.pdf")
        clicks.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
    # The first click in a process also compiles the report's templates; the others are what
    # a facilitator meets on an app server that has served a report before.
    emit("report_click_first_in_process_s", clicks[0], "s")
    emit("report_click_closed_round_s", statistics.median(clicks[1:]), "s")


def _pack(client: Any, round_ids: list[int], other_round: int) -> None:
    longest = 0.0

    def timed(method: str, url: str, **kwargs: Any) -> Any:
        nonlocal longest
        start = time.perf_counter()
        response = client.open(url, method=method, **kwargs)
        longest = max(longest, time.perf_counter() - start)
        return response

    start = time.perf_counter()
    asked = timed("POST", "/symposium-pack", data={"round": [str(r) for r in round_ids]})
    assert asked.status_code == 303, asked.status_code
    job = asked.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
    state: dict[str, Any] = {}
    polls = 0
    while time.perf_counter() - start < 1800:
        state = timed("GET", f"/{job}.json").get_json()
        polls += 1
        if polls % 5 == 0:
            assert timed("GET", f"/rounds/{other_round}/dashboard").status_code == 200
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state.get("status") == "done", state
    with client.get(f"/{job}/download") as download:
        assert download.status_code == 200 and len(download.data) > 0
    emit("pack_40_partnerships_s", time.perf_counter() - start, "s")
    emit("longest_request_during_pack_s", longest, "s")
