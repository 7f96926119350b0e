"""A symposium room at once: 250 respondents through the whole questionnaire, over real HTTP to
the app under gunicorn, on SQLite (WAL) and, when ``TEST_DATABASE_URL`` is set, on PostgreSQL.

Runs, each on a fresh database and a fresh server (``benchmarks/gunicorn_bench.py``):

- stress: no think time; the latency of page saves (POST to acknowledgement), their
  throughput, errors, and answers lost (acknowledged answers that are not in the database);
- bare: the same journeys against ``benchmarks/bare_app.py`` (the same SQL, nothing else),
  for ``submit_vs_bare_ratio``, the app's saves per second over the bare app's; stress and
  bare runs alternate (``BENCH_LOAD_PAIRS``, default 2) and their figures cover all of them;
- think: the same with 0.2-1 s of think time before each POST, as people read and answer;
- fault: the stress run with one gunicorn worker SIGKILLed when half of the pages are saved;
  clients send a request again on connection errors and 5xx (every step is idempotent), and
  the database is then checked: no acknowledged answer lost, no page half-stored, every
  submitted response complete.

The load generator is one asyncio process (``benchmarks/load_client.py``), separate from the
server's; its own CPU use is reported as ``load_client_cpu_pct`` (percent of one core).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from benchmarks.load_client import Page, Tally, run_population, run_respondents
from benchmarks.timing import emit
from survey import create_app
from survey.core.instruments import available
from survey.core.questionnaire import Questionnaire
from survey.store.database import db
from survey.store.models import (
    Answer,
    Facilitator,
    Invitation,
    Partner,
    Partnership,
    Response,
    Round,
)

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"
GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn_bench.py"
APPS = {"app": "survey:create_app()", "bare": "benchmarks.bare_app:create_app()"}
RESPONDENTS = int(os.environ.get("BENCH_LOAD_RESPONDENTS", "250"))
PARTNERS = 10
WARM_UP = 8  # respondents through every worker before the clock starts (templates, instrument)
THINK_S = (0.2, 1.0)
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PAIRS = int(os.environ.get("BENCH_LOAD_PAIRS", "2"))  # stress runs of the app, each with a bare run
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The capacity run: people arriving over a ramp, reading each page 5-20 s; populations grow in
# steps until a step's page saves miss the goal (p99 at most 250 ms, no error).
CAPACITY_STEPS = tuple(
    int(n)
    for n in os.environ.get("BENCH_CAPACITY_STEPS", "1000,2000,3000,3500,4000,5000").split(",")
)
CAPACITY_RAMP_S = float(os.environ.get("BENCH_CAPACITY_RAMP_S", "60"))
CAPACITY_HOLD_S = float(os.environ.get("BENCH_CAPACITY_HOLD_S", "90"))
READ_S = (5.0, 20.0)
CAPACITY_P99_MS = 250.0


def instrument() -> Questionnaire:
    found = next(f for f in available(QUESTIONNAIRES) if f.filename == "partnership-health.yaml")
    assert found.questionnaire is not None
    return found.questionnaire


def pages_of(q: Questionnaire) -> list[Page]:
    """What a respondent may answer on each page: option values, or [] for free text."""
    pages = []
    for section in q.sections:
        questions = []
        for question in section.questions:
            choices = [str(option.value) for option in q.options_of(question)]
            if choices and q.na_of(question) is not None:
                choices.append("na")
            questions.append((question.id, choices))
        pages.append(Page(questions))
    return pages


# -- databases and servers ------------------------------------------------------------------


@contextmanager
def database(backend: str) -> Iterator[str]:
    """A fresh, empty database (a SQLite file, or a PostgreSQL database of our own)."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/load.db"
        return
    base = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    name = f"bench_load_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, q: Questionnaire) -> list[str]:
    """The schema and an open round with one invitation per partner; their tokens."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-load",
            "RATELIMIT_ENABLED": False,
            "PDF_CACHE_DIR": "",
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
        }
    )
    with app.app_context():
        db.create_all()
        user = Facilitator(email="load@example.org", password_hash="-")
        db.session.add(user)
        db.session.flush()
        partnership = Partnership(owner_id=user.id, name="Symposium")
        db.session.add(partnership)
        db.session.flush()
        partners = [
            Partner(partnership_id=partnership.id, name=f"Partner {i}", lead=i == 0, position=i)
            for i in range(PARTNERS)
        ]
        round_ = Round(
            partnership_id=partnership.id,
            name="Load",
            status="open",
            **Round.pinned_instrument("partnership-health.yaml", q),
        )
        db.session.add_all([*partners, round_])
        db.session.flush()
        invitations = [Invitation(round_id=round_.id, partner_id=p.id) for p in partners]
        db.session.add_all(invitations)
        db.session.commit()
        tokens = [invitation.token for invitation in invitations]
        db.session.remove()
        db.engine.dispose()
    return tokens


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    ready_dir: Path

    def worker_pids(self) -> list[int]:
        return [int(p.name) for p in self.ready_dir.iterdir() if Path(f"/proc/{p.name}").exists()]

    def busy_worker(self) -> int | None:
        """A worker holding a client's connection, that is, in the middle of a request."""
        port = f":{self.port:04X}"
        connections = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(port) and fields[3] == "01":  # 01: established
                connections.add(f"socket:[{fields[9]}]")
        for pid in self.worker_pids():
            try:
                links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
            except OSError:
                continue
            if links & connections:
                return pid
        return None

    def cpu_s(self) -> dict[int, float]:
        """CPU seconds used so far by each live worker (user and system)."""
        used = {}
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return used


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: str, url: str) -> Iterator[Server]:
    """Gunicorn with the benchmark's configuration, once every worker is ready; stopped after."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as ready, tempfile.TemporaryDirectory() as queue:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-load",
            "PDF_CACHE_DIR": "",
            "RATELIMIT_STORAGE_URI": "memory://",
            "QUEUE_URL": f"sqlite:///{queue}/queue.db",
            "BENCH_BIND": f"127.0.0.1:{port}",
            "BENCH_READY_DIR": ready,
            "BENCH_WORKERS": str(WORKERS),
        }
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), APPS[app]]
        process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        server = Server(process, port, Path(ready))
        try:
            deadline = time.monotonic() + 90
            while len(server.worker_pids()) < WORKERS or not _healthy(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn for {app} did not start")
                time.sleep(0.1)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with suppress(ProcessLookupError):  # any worker left behind by the master
                os.killpg(process.pid, signal.SIGKILL)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


# -- one run ----------------------------------------------------------------------------------


@dataclass
class Run:
    tally: Tally
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float
    lost: int
    half_written: int
    orphans: int
    acknowledged: int
    kills: int

    def percentile_ms(self, share: float) -> float:
        ordered = sorted(self.tally.save_latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    @property
    def saves_per_s(self) -> float:
        return self.tally.saves / self.wall_s

    @property
    def server_ms_per_journey(self) -> float:
        """The workers' CPU time per respondent: less swayed than wall time by other work on the
        machine, though contention still moves it."""
        return 1000 * self.server_cpu_s / max(1, len(self.tally.submitted))


def run_once(
    backend: str,
    app: str,
    q: Questionnaire,
    *,
    think: tuple[float, float] | None = None,
    kill_worker: bool = False,
) -> Run:
    pages = pages_of(q)
    with database(backend) as url:
        tokens = prepare(url, q)
        with serving(app, url) as server:
            warm = asyncio.run(run_respondents(server.port, tokens, pages, WARM_UP, journey=app))
            tally = Tally()
            kills: list[int] = []

            async def burst() -> None:
                killer = None
                if kill_worker:
                    killer = asyncio.create_task(_kill_workers(server, tally, kills))
                await run_respondents(
                    server.port,
                    tokens,
                    pages,
                    RESPONDENTS,
                    journey=app,
                    think=think,
                    first_person=WARM_UP,
                    tally=tally,
                )
                if killer is not None:  # the burst may end first, when it is small
                    killer.cancel()
                    with suppress(asyncio.CancelledError):
                        await killer

            server_cpu = server.cpu_s()
            cpu, start = time.process_time(), time.perf_counter()
            asyncio.run(burst())
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            server_cpu_s = sum(
                used - server_cpu.get(pid, 0.0) for pid, used in server.cpu_s().items()
            )
        lost, half_written, orphans, acknowledged = verify(url, q, [warm, tally])
    if kills:
        print(f"# {backend} {app}: SIGKILLed {len(kills)} worker(s) mid-burst", flush=True)
    if tally.error_kinds:
        print(f"# {backend} {app}: errors {tally.error_kinds}", flush=True)
    return Run(
        tally, wall, cpu, server_cpu_s, lost, half_written, orphans, acknowledged, len(kills)
    )


async def _kill_workers(server: Server, tally: Tally, kills: list[int]) -> None:
    """Half-way through the pages, SIGKILL a worker while it serves a request; again (at most
    five times) until a client has seen a request cut off, since a worker may be killed just
    after its reply left, which no client notices."""
    while tally.saves < RESPONDENTS * 8 // 2:
        await asyncio.sleep(0.01)
    errors = tally.errors
    while tally.errors == errors and len(kills) < 5:
        victim = server.busy_worker()
        if victim is None:
            await asyncio.sleep(0.001)
            continue
        os.kill(victim, signal.SIGKILL)
        kills.append(victim)
        await asyncio.sleep(0.3)


def verify(url: str, q: Questionnaire, tallies: list[Tally]) -> tuple[int, int, int, int]:
    """(answers lost, half-written pages or responses, orphan responses, answers acknowledged).

    Lost: an acknowledged answer missing from the database or different there. Half-written:
    a page with some of its required answers stored but not all (a save is one transaction),
    or a submitted response without all its required answers. Orphans: responses with no
    answer that no client knows of (a start whose reply was lost, then sent again).
    """
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        responses = {
            row.resume_token: (row.id, row.submitted_at is not None)
            for row in conn.execute(
                select(Response.resume_token, Response.id, Response.submitted_at)
            )
        }
        stored: dict[int, dict[str, str]] = {}
        for row in conn.execute(select(Answer.response_id, Answer.question_id, Answer.value)):
            stored.setdefault(row.response_id, {})[row.question_id] = row.value
    engine.dispose()
    acknowledged: dict[str, dict[str, str]] = {}
    submitted: set[str] = set()
    for tally in tallies:
        acknowledged.update(tally.acknowledged)
        submitted |= tally.submitted
    lost = 0
    for resume, answers in acknowledged.items():
        in_db = stored.get(responses[resume][0], {}) if resume in responses else {}
        lost += sum(1 for qid, value in answers.items() if in_db.get(qid) != value)
    required = [[qu.id for qu in s.questions if qu.required] for s in q.sections]
    half_written = 0
    for resume, (response_id, is_submitted) in responses.items():
        answers = stored.get(response_id, {})
        counts = [sum(1 for qid in page if qid in answers) for page in required]
        pages = zip(counts, required, strict=True)
        half_written += sum(1 for n, page in pages if 0 < n < len(page))
        if is_submitted and sum(counts) < sum(map(len, required)):
            half_written += 1
        if resume in submitted and not is_submitted:
            lost += 1  # an acknowledged submission that did not stick
    orphans = sum(
        1
        for resume, (response_id, _) in responses.items()
        if resume not in acknowledged and response_id not in stored
    )
    return lost, half_written, orphans, sum(map(len, acknowledged.values()))


# -- the benchmark ------------------------------------------------------------------------------


def _emit_latency(prefix: str, run: Run) -> None:
    emit(f"{prefix}_p50_ms", run.percentile_ms(0.50), "ms")
    emit(f"{prefix}_p95_ms", run.percentile_ms(0.95), "ms")
    emit(f"{prefix}_p99_ms", run.percentile_ms(0.99), "ms")


def _emit_integrity(prefix: str, run: Run) -> None:
    emit(f"{prefix}_errors", run.tally.errors, "count")
    emit(f"{prefix}_failed_journeys", run.tally.failed_journeys, "count")
    emit(f"{prefix}_answers_lost", run.lost, "count")
    emit(f"{prefix}_half_written", run.half_written, "count")


def combined(runs: list[Run]) -> Run:
    """Runs taken together: their page saves, time, CPU and findings summed."""
    tally = Tally()
    for run in runs:
        tally.save_latencies += run.tally.save_latencies
        tally.saves += run.tally.saves
        tally.requests += run.tally.requests
        tally.errors += run.tally.errors
        tally.failed_journeys += run.tally.failed_journeys
        tally.started += run.tally.started
        tally.submitted |= run.tally.submitted
        for kind, count in run.tally.error_kinds.items():
            tally.error_kinds[kind] = tally.error_kinds.get(kind, 0) + count
    return Run(
        tally,
        sum(r.wall_s for r in runs),
        sum(r.client_cpu_s for r in runs),
        sum(r.server_cpu_s for r in runs),
        sum(r.lost for r in runs),
        sum(r.half_written for r in runs),
        sum(r.orphans for r in runs),
        sum(r.acknowledged for r in runs),
        sum(r.kills for r in runs),
    )


def run_backend(backend: str, q: Questionnaire) -> None:
    # This machine's speed drifts by a third from one minute to the next, for the app and the
    # bare app alike: they are run alternately, PAIRS times, and compared over all their runs.
    app_runs: list[Run] = []
    bare_runs: list[Run] = []
    for _ in range(PAIRS):
        app_runs.append(run_once(backend, "app", q))
        bare_runs.append(run_once(backend, "bare", q))
    stress, bare = combined(app_runs), combined(bare_runs)
    ratios = [a.saves_per_s / b.saves_per_s for a, b in zip(app_runs, bare_runs, strict=True)]
    print(f"# {backend}: app over bare, pair by pair: {', '.join(f'{r:.2f}' for r in ratios)}")
    ratio = stress.saves_per_s / bare.saves_per_s
    # The CPU the workers spend per respondent, bare over app: what the ratio would be if CPU
    # were the only limit (at 250 clients the bare app also waits on SQLite's single writer).
    cpu_ratio = bare.server_ms_per_journey / stress.server_ms_per_journey
    if backend == "sqlite":  # the headline figures
        _emit_latency("submit", stress)
        emit("submit_saves_per_s", stress.saves_per_s, "saves/s")
        emit("submit_errors", stress.tally.errors, "count")
        emit("answers_lost", stress.lost, "count")
        emit("submit_half_written", stress.half_written, "count")
        emit("submit_failed_journeys", stress.tally.failed_journeys, "count")
        emit("bare_saves_per_s", bare.saves_per_s, "saves/s")
        emit("bare_p99_ms", bare.percentile_ms(0.99), "ms")
        emit("submit_vs_bare_ratio", ratio, "ratio")
        emit("submit_server_cpu_ms_per_journey", stress.server_ms_per_journey, "ms")
        emit("bare_server_cpu_ms_per_journey", bare.server_ms_per_journey, "ms")
        emit("submit_vs_bare_cpu_ratio", cpu_ratio, "ratio")
        emit("load_client_cpu_pct", 100 * stress.client_cpu_s / stress.wall_s, "%")
        emit("load_client_us_per_request", 1e6 * stress.client_cpu_s / stress.tally.requests, "us")
    else:
        _emit_latency(f"stress_{backend}", stress)
        emit(f"stress_{backend}_saves_per_s", stress.saves_per_s, "saves/s")
        emit(f"stress_{backend}_errors", stress.tally.errors, "count")
        emit(f"stress_{backend}_answers_lost", stress.lost, "count")
        emit(f"bare_{backend}_saves_per_s", bare.saves_per_s, "saves/s")
        emit(f"stress_{backend}_vs_bare_ratio", ratio, "ratio")
        emit(f"stress_{backend}_vs_bare_cpu_ratio", cpu_ratio, "ratio")
    think = run_once(backend, "app", q, think=THINK_S)
    _emit_latency(f"think_{backend}", think)
    emit(f"think_{backend}_saves_per_s", think.saves_per_s, "saves/s")
    _emit_integrity(f"think_{backend}", think)
    fault = run_once(backend, "app", q, kill_worker=True)
    prefix = "fault" if backend == "sqlite" else f"fault_{backend}"
    _emit_latency(prefix, fault)
    _emit_integrity(prefix, fault)
    emit(f"{prefix}_workers_killed", fault.kills, "count")
    emit(f"{prefix}_orphan_responses", fault.orphans, "count")
    emit(f"{prefix}_answers_acknowledged", fault.acknowledged, "count")


def run() -> None:
    if importlib.util.find_spec("gunicorn") is None:
        print("# load skipped: gunicorn is not installed (pip install -e '.[serve]')", flush=True)
        return
    q = instrument()
    print(f"# load: {RESPONDENTS} respondents at once, gunicorn -w {WORKERS} (sync)", flush=True)
    run_backend("sqlite", q)
    if os.environ.get("TEST_DATABASE_URL"):
        run_backend("postgres", q)
    else:
        print("# load on PostgreSQL skipped: set TEST_DATABASE_URL", flush=True)


# -- capacity: a room as it behaves -------------------------------------------------------------


@dataclass
class Step:
    population: int
    p99_ms: float
    saves: int
    errors: int

    @property
    def meets_goal(self) -> bool:
        return self.errors == 0 and self.saves > 0 and self.p99_ms <= CAPACITY_P99_MS


def capacity_step(backend: str, app: str, q: Questionnaire, population: int) -> Step:
    """One population on a fresh database and server; the p99 of the page saves sent while
    everyone has arrived (after the ramp), and every error of the run."""
    pages = pages_of(q)
    with database(backend) as url:
        tokens = prepare(url, q)
        with serving(app, url) as server:
            asyncio.run(run_respondents(server.port, tokens, pages, WARM_UP, journey=app))
            tally = Tally()
            start = time.perf_counter()
            asyncio.run(
                run_population(
                    server.port,
                    tokens,
                    pages,
                    population,
                    journey=app,
                    read=READ_S,
                    ramp_s=CAPACITY_RAMP_S,
                    hold_s=CAPACITY_HOLD_S,
                    first_person=WARM_UP,
                    tally=tally,
                )
            )
    held_from = start + CAPACITY_RAMP_S
    latencies = sorted(
        latency
        for latency, sent in zip(tally.save_latencies, tally.save_started, strict=True)
        if sent >= held_from
    )
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000 if latencies else 0
    step = Step(population, p99, len(latencies), tally.errors)
    print(
        f"# capacity {backend} {app} {population}: p99 {step.p99_ms:.0f} ms over "
        f"{step.saves} saves, {step.errors} errors {tally.error_kinds or ''}",
        flush=True,
    )
    return step


def capacity(backend: str, app: str, q: Questionnaire) -> int:
    """The largest population whose step meets the goal (steps stop at the first that misses)."""
    best = 0
    for population in CAPACITY_STEPS:
        if not capacity_step(backend, app, q, population).meets_goal:
            break
        best = population
    return best


def run_capacity() -> None:
    if importlib.util.find_spec("gunicorn") is None:
        print("# capacity skipped: gunicorn is not installed", flush=True)
        return
    q = instrument()
    print(
        f"# capacity: steps {CAPACITY_STEPS}, ramp {CAPACITY_RAMP_S:.0f} s, held "
        f"{CAPACITY_HOLD_S:.0f} s, reading {READ_S[0]:.0f}-{READ_S[1]:.0f} s a page, "
        f"gunicorn -w {WORKERS}",
        flush=True,
    )
    backends = ["sqlite"] + (["postgres"] if os.environ.get("TEST_DATABASE_URL") else [])
    for backend in backends:
        app = capacity(backend, "app", q)
        bare = capacity(backend, "bare", q)
        emit(f"capacity_respondents_{backend}", app, "respondents")
        emit(f"capacity_bare_respondents_{backend}", bare, "respondents")
        if backend == "sqlite":
            emit("capacity_vs_bare_ratio", app / bare if bare else float("nan"), "ratio")
