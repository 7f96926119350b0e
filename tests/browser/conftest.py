"""Fixtures for the browser tests: the real app on a local port, Debian's Chromium, axe-core.

One server serves the whole browser suite: the app from ``create_app`` on a temporary SQLite
file, seeded by the app's own demo loader plus a few responses and symposium sessions, run by
werkzeug in a background thread. Chromium is the system's (``/usr/bin/chromium``, or
``$CHROMIUM``), never a browser Playwright downloads. Without it the suite is skipped with the
reason, except in CI (``CI=true``), where a missing browser is a failure: a green run must mean
the browser tests ran.

When a test fails, each page it had open is saved as a screenshot and its HTML under
``test-artifacts/browser/`` (gitignored).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest
from werkzeug.serving import make_server

from . import axe

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags, Chromium keeps calling home on this closed network
# and hangs; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
LOCALES = {"en": "en-CA", "fr": "fr-CA"}
TIMEOUT_MS = 15_000


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip outside CI; fail in CI, where the browser tests must run."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


# -- failure artifacts ----------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(node: pytest.Item) -> bool:
    return any(
        getattr(node, f"rep_{when}", None) is not None and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


def _save_artifacts(node: pytest.Item, pages: list[Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", node.nodeid.split("::", 1)[-1])[:120]
    for number, page in enumerate(pages, start=1):
        base = ARTIFACTS / f"{stem}-{number}"
        try:
            page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
            base.with_suffix(".html").write_text(
                f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
            )
        except Exception as error:  # a crashed page must not hide the test's own failure
            base.with_suffix(".txt").write_text(f"{page.url}\n{error!r}\n", encoding="utf-8")


# -- the app --------------------------------------------------------------------------------


@dataclass
class Seed:
    """What the seeded database holds, as ids and tokens (never ORM objects)."""

    email: str
    password: str
    partnership_id: int
    open_round_id: int
    closed_round_id: int
    open_token: str  # the lead partner's link to the open round
    closed_token: str  # a link to the closed round
    closed_round_name: str  # named after its dates by the demo
    draft_round_id: int  # a round not opened yet, with its own links
    colleague_id: int  # another facilitator's account (the Accounts pages)
    sections: int
    # Per language: a response with pages 1-2 answered, one fully answered but not submitted,
    # and a submitted one.
    in_progress: dict[str, str] = field(default_factory=dict)
    complete: dict[str, str] = field(default_factory=dict)
    submitted: dict[str, str] = field(default_factory=dict)
    open_session_id: int = 0
    open_session_code: str = ""
    closed_session_id: int = 0


@dataclass
class LiveServer:
    url: str
    seed: Seed
    app: Any


def _answers(q: Any, sections: int) -> dict[str, str]:
    """A valid answer to every question of the first ``sections`` sections."""
    answers = {}
    for section in q.sections[:sections]:
        for question in section.questions:
            if question.type == "text":
                answers[question.id] = "Seeded comment."
            else:
                answers[question.id] = str(q.options_of(question)[-2].value)
    return answers


def _seed(app: Any) -> Seed:
    from sqlalchemy import select

    from survey.store.database import db
    from survey.store.demo import DEMO_EMAIL, DEMO_PASSWORD, add_response, load_demo
    from survey.store.models import (
        Facilitator,
        Invitation,
        Round,
        SessionRound,
        SymposiumSession,
    )
    from survey.store.round_scores import questionnaire_of

    with app.app_context():
        db.create_all()
        created, message = load_demo(app.config["QUESTIONNAIRES_DIR"])
        assert created, message
        user = db.session.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
        assert user is not None
        partnership = user.partnerships[0]
        rounds = {r.status: r for r in db.session.scalars(select(Round))}
        open_round, closed_round = rounds["open"], rounds["closed"]
        q = questionnaire_of(open_round)

        def invitation_of(round_: Round) -> Invitation:
            found = db.session.scalar(
                select(Invitation)
                .where(Invitation.round_id == round_.id)
                .order_by(Invitation.id)
                .limit(1)
            )
            assert found is not None
            return found

        invitation = invitation_of(open_round)
        seed = Seed(
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
            partnership_id=partnership.id,
            open_round_id=open_round.id,
            closed_round_id=closed_round.id,
            open_token=invitation.token,
            closed_token=invitation_of(closed_round).token,
            closed_round_name=closed_round.name,
            draft_round_id=0,
            colleague_id=0,
            sections=len(q.sections),
        )
        for lang in ("en", "fr"):
            for kind, answered, submitted in (
                ("in_progress", 2, False),
                ("complete", len(q.sections), False),
                ("submitted", len(q.sections), True),
            ):
                response = add_response(
                    open_round,
                    invitation.partner,
                    invitation,
                    _answers(q, answered),
                    submitted,
                    lang,
                )
                getattr(seed, kind)[lang] = response.resume_token
        draft = Round(
            partnership_id=partnership.id,
            name="Next check-in",
            status="draft",
            opens_on=open_round.closes_on,
            **Round.pinned_instrument(open_round.instrument_file, q),
        )
        colleague = Facilitator(email="colleague@example.org", name="Colleague")
        colleague.set_password("colleague password 1")
        db.session.add_all([draft, colleague])
        db.session.flush()
        db.session.add_all(
            Invitation(round_id=draft.id, partner_id=p.id) for p in partnership.partners
        )
        seed.draft_round_id, seed.colleague_id = draft.id, colleague.id
        live = SymposiumSession(owner_id=user.id, name="Regional forum")
        ended = SymposiumSession(owner_id=user.id, name="Autumn forum", status="closed")
        db.session.add_all([live, ended])
        db.session.flush()
        db.session.add_all(
            [
                SessionRound(session_id=live.id, round_id=open_round.id),
                SessionRound(session_id=ended.id, round_id=closed_round.id),
            ]
        )
        seed.open_session_id, seed.open_session_code = live.id, live.code
        seed.closed_session_id = ended.id
        db.session.commit()
        return seed


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 at a free port, in a background thread, for the whole suite."""
    from survey import create_app
    from survey.store.database import db

    folder = tmp_path_factory.mktemp("browser-app")
    app = create_app(
        {
            "SECRET_KEY": "browser-tests-secret-key-0123456789abcdef",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'survey.db'}",
            "QUESTIONNAIRES_DIR": str(REPO / "questionnaires"),
            "RATELIMIT_ENABLED": False,
            # The queue in the suite's own folder, never in the checkout's instance folder.
            "QUEUE_URL": f"sqlite:///{folder / 'queue.db'}",
            "JOB_RESULTS_DIR": str(folder / "jobs"),
            "PDF_CACHE_DIR": "",
            "PDF_WORKERS": 1,
        }
    )
    seed = _seed(app)
    # One line per request on stderr would bury a failure's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", seed, app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def seed(live_server: LiveServer) -> Seed:
    return live_server.seed


def stored_response(live_server: LiveServer, resume: str) -> dict[str, Any]:
    """What the database holds for a response: language, submitted or not, answers."""
    from sqlalchemy import select

    from survey.store.database import db
    from survey.store.models import Answer, Response

    with live_server.app.app_context():
        response = db.session.scalar(select(Response).where(Response.resume_token == resume))
        assert response is not None, resume
        answers = db.session.execute(
            select(Answer.question_id, Answer.value).where(Answer.response_id == response.id)
        ).all()
        stored = {
            "language": response.language,
            "submitted": response.submitted_at is not None,
            "answers": {question: value for question, value in answers},
        }
        db.session.remove()
        return stored


# -- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright; skipped (or failed in CI) when missing."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # what is left there is this run's failures
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        unavailable(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(or set CHROMIUM=/path/to/chromium) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_context(
    chromium: Any, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """``new_context(lang="en", phone=False, **options)``: a fresh browser profile (no cookies)
    on the live server; its pages are saved to test-artifacts/ if the test fails."""
    contexts: list[Any] = []

    def make(lang: str = "en", phone: bool = False, **options: Any) -> Any:
        context = _context(chromium, live_server, lang, phone, **options)
        contexts.append(context)
        return context

    yield make
    if _failed(request.node):
        _save_artifacts(request.node, [page for context in contexts for page in context.pages])
    for context in contexts:
        context.close()


def _context(chromium: Any, live_server: LiveServer, lang: str, phone: bool, **options: Any) -> Any:
    settings = {
        "base_url": live_server.url,
        "locale": LOCALES[lang],
        "accept_downloads": True,
        **(PHONE if phone else {}),
        **options,
    }
    context = chromium.new_context(**settings)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(scope="session")
def _page_pool(chromium: Any, live_server: LiveServer) -> Iterator[dict[str, Any]]:
    pool: dict[str, Any] = {}
    yield pool
    for page in pool.values():
        page.context.close()


@pytest.fixture
def shared_page(
    _page_pool: dict[str, Any],
    chromium: Any,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Any]]:
    """``shared_page(key, lang="en", phone=False, **options)``: one page per key, kept for the
    whole suite, for tests that only visit pages and read them (a fresh page per test would
    make the accessibility checks several times slower: axe is parsed again in every new
    renderer). Saved to test-artifacts/ if the test fails."""
    used: list[Any] = []

    def get(key: str, lang: str = "en", phone: bool = False, **options: Any) -> Any:
        if key not in _page_pool:
            context = _context(chromium, live_server, lang, phone, **options)
            _page_pool[key] = context.new_page()
        used.append(_page_pool[key])
        return _page_pool[key]

    yield get
    if _failed(request.node):
        _save_artifacts(request.node, used)


@pytest.fixture(scope="session")
def facilitator_state(chromium: Any, live_server: LiveServer) -> dict[str, Any]:
    """The cookies of a facilitator signed in through the login form, once per suite."""
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email").fill(live_server.seed.email)
        page.get_by_label("Password").fill(live_server.seed.password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return dict(context.storage_state())
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's axe.min.js, installed from the pinned package-lock.json when missing."""
    try:
        return axe.source()
    except axe.Unavailable as error:
        unavailable(str(error))
