"""Fixtures for the web tests: an app per database backend, clients, factories, CSRF helpers.

Every test that takes ``app`` runs on SQLite (a file in tmp_path, so WAL and locking are real)
and, when TEST_DATABASE_URL is set, on PostgreSQL in a schema of its own that is dropped
afterwards. Factories write straight to the database and return plain records (ids, tokens),
never ORM objects, so that no test holds an app context or a session across requests.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from werkzeug.security import generate_password_hash

from survey import create_app
from survey.store.database import db
from tests.helpers import (
    INSTRUMENT,
    QUESTIONNAIRES,
    FacilitatorRec,
    InvitationRec,
    PartnershipRec,
    RoundRec,
    SessionRec,
    post_form,
)
from tests.web.access_policy import scene  # noqa: F401  (the security tests' fixture)

TEST_SECRET_KEY = "web-tests-secret-key-0123456789abcdef"
PG_ENV = "TEST_DATABASE_URL"
# A cheap hash: the app checks it like any other, and the suite stays fast.
FAST_HASH = "pbkdf2:sha256:1000"


# -- databases ----------------------------------------------------------------------------


def _postgres_base_url() -> Any:
    url = make_url(os.environ[PG_ENV])
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not os.environ.get(PG_ENV):
        pytest.skip(
            f"PostgreSQL not configured: set {PG_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run this backend"
        )
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'survey.db'}"
        return
    # PostgreSQL: a schema of our own, selected by search_path on every connection, dropped
    # at the end, so that tests (and other test runs on the same server) never see each other.
    base = _postgres_base_url()
    schema = f"web_{uuid.uuid4().hex[:20]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def base_config(database_url: str, folder: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
        "RATELIMIT_ENABLED": False,
        # Each test lays out its own PDFs, one at a time; tests of the cache and of parallel
        # packs turn these on themselves.
        "PDF_CACHE_DIR": "",
        "PDF_WORKERS": 1,
        # The task queue and its results in this test's own folder (tests that need a worker
        # start one: the `worker` fixture).
        "QUEUE_URL": f"sqlite:///{folder / 'queue.db'}",
        "JOB_RESULTS_DIR": str(folder / "jobs"),
        # Compressed static assets: content-addressed, so every test may share one folder.
        "ASSET_CACHE_DIR": str(Path(tempfile.gettempdir()) / "survey-test-asset-cache"),
    }


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(create_tables=True, **config)``: an app on this test's database."""
    apps: list[Flask] = []

    def make(create_tables: bool = True, **overrides: Any) -> Flask:
        app = create_app({**base_config(database_url, tmp_path), **overrides})
        apps.append(app)
        if create_tables:
            with app.app_context():
                db.create_all()
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Extra configuration for ``app``; override this fixture in a module or class."""
    return {}


@pytest.fixture
def app(make_app: Callable[..., Flask], app_overrides: dict[str, Any]) -> Flask:
    return make_app(**app_overrides)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def new_client(app: Flask) -> Callable[[], FlaskClient]:
    """Another browser: a client with no cookies."""
    return app.test_client


# -- factories ----------------------------------------------------------------------------


@pytest.fixture
def make_facilitator(app: Flask) -> Callable[..., FacilitatorRec]:
    from survey.store.models import Facilitator

    counter = iter(range(1, 10_000))

    def make(
        email: str | None = None,
        password: str = "correct horse battery",
        active: bool = True,
        name: str = "",
    ) -> FacilitatorRec:
        email = email or f"facilitator{next(counter)}@example.org"
        with app.app_context():
            user = Facilitator(
                email=email,
                name=name,
                active=active,
                password_hash=generate_password_hash(password, method=FAST_HASH),
            )
            db.session.add(user)
            db.session.commit()
            return FacilitatorRec(user.id, email, password)

    return make


DEFAULT_PARTNERS = ("Police", "Public Health", "Housing")


@pytest.fixture
def make_partnership(app: Flask) -> Callable[..., PartnershipRec]:
    from survey.store.models import Partner, Partnership

    def make(
        owner: FacilitatorRec,
        partners: list[str | dict[str, Any]] | tuple[str, ...] = DEFAULT_PARTNERS,
        name: str = "Riverside Safety Table",
    ) -> PartnershipRec:
        with app.app_context():
            # 1: these tests read every response as given; pooling has its own tests.
            partnership = Partnership(
                owner_id=owner.id, name=name, description="", min_group_size=1
            )
            db.session.add(partnership)
            db.session.flush()
            rec = PartnershipRec(partnership.id, owner.id, name)
            for position, spec in enumerate(partners, start=1):
                values = {"name": spec} if isinstance(spec, str) else dict(spec)
                values.setdefault("sector", "")
                values.setdefault("lead", position == 1)
                partner = Partner(partnership_id=partnership.id, position=position, **values)
                db.session.add(partner)
                db.session.flush()
                rec.partners[partner.name] = partner.id
            db.session.commit()
            return rec

    return make


@pytest.fixture
def make_round(app: Flask) -> Callable[..., RoundRec]:
    """A round pinning an instrument from QUESTIONNAIRES_DIR, with an invitation per partner
    (as the new-round view makes them)."""
    from survey.core.instruments import available
    from survey.store.models import Invitation, Partner, Round

    def make(
        partnership: PartnershipRec,
        status: str = "open",
        name: str = "Spring check-in",
        instrument: str = INSTRUMENT,
        opens_on: date | None = None,
        closes_on: date | None = None,
    ) -> RoundRec:
        with app.app_context():
            found = {f.filename: f for f in available(app.config["QUESTIONNAIRES_DIR"])}[instrument]
            q = found.questionnaire
            assert q is not None, found.problems
            round_ = Round(
                partnership_id=partnership.id,
                name=name,
                status=status,
                opens_on=opens_on,
                closes_on=closes_on,
                **Round.pinned_instrument(found.filename, q),
            )
            db.session.add(round_)
            db.session.flush()
            rec = RoundRec(round_.id, partnership.id)
            partners = db.session.scalars(
                db.select(Partner)
                .where(Partner.partnership_id == partnership.id)
                .order_by(Partner.position, Partner.id)
            ).all()
            for partner in partners:
                invitation = Invitation(round_id=round_.id, partner_id=partner.id)
                db.session.add(invitation)
                db.session.flush()
                rec.invitations[partner.name] = InvitationRec(
                    invitation.id, invitation.token, partner.id
                )
            db.session.commit()
            return rec

    return make


@pytest.fixture
def make_session(app: Flask) -> Callable[..., SessionRec]:
    """A symposium session owned by ``owner``, holding ``rounds``."""
    from survey.store.models import SessionRound, SymposiumSession

    def make(owner: FacilitatorRec, rounds: list[RoundRec] = (), name: str = "Forum") -> SessionRec:
        with app.app_context():
            symposium = SymposiumSession(owner_id=owner.id, name=name)
            db.session.add(symposium)
            db.session.flush()
            for round_ in rounds:
                db.session.add(SessionRound(session_id=symposium.id, round_id=round_.id))
            db.session.commit()
            return SessionRec(symposium.id, symposium.code)

    return make


def do_login(client: FlaskClient, facilitator: FacilitatorRec) -> FlaskClient:
    response = post_form(
        client, "/login", {"email": facilitator.email, "password": facilitator.password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login() -> Callable[[FlaskClient, FacilitatorRec], FlaskClient]:
    """``login(client, facilitator)``: sign in through the login form (with its CSRF token)."""
    return do_login


@dataclass
class World:
    """Facilitator A with a partnership, partners and an open round; facilitator B with none."""

    owner: FacilitatorRec
    other: FacilitatorRec
    partnership: PartnershipRec
    round: RoundRec


@pytest.fixture
def world(make_facilitator, make_partnership, make_round) -> World:
    owner = make_facilitator(email="owner@example.org")
    other = make_facilitator(email="other@example.org")
    partnership = make_partnership(owner)
    round_ = make_round(partnership)
    return World(owner, other, partnership, round_)


# -- logging ------------------------------------------------------------------------------


@pytest.fixture
def keep_logging():
    """Alembic's env.py runs logging.config.fileConfig, which disables every logger that
    exists (the app's included) and replaces the root handlers: undo that for later tests."""
    root = logging.getLogger()
    saved_root = (root.level, root.handlers[:])
    saved = {
        name: (logger.disabled, logger.level, logger.handlers[:], logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.setLevel(saved_root[0])
    root.handlers[:] = saved_root[1]
    for name, logger in logging.root.manager.loggerDict.items():
        if not isinstance(logger, logging.Logger):
            continue
        if name in saved:
            logger.disabled, logger.level, handlers, logger.propagate = saved[name]
            logger.handlers[:] = handlers
        else:
            logger.disabled = False


# -- the task queue -----------------------------------------------------------------------


@pytest.fixture
def worker(app: Flask) -> Iterator[Any]:
    """Huey's own consumer, in threads of this process, working this test's queue: the real
    worker code that `survey worker` runs, minus the process around it."""
    import signal

    from survey.web.queue import consumer

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    running = consumer(2, periodic=False)
    running.start()
    try:
        yield running
    finally:
        running.stop(graceful=True)
        for number, handler in handlers.items():  # the consumer installs its own
            signal.signal(number, handler)


# -- a real SMTP server -------------------------------------------------------------------


class Inbox:
    """What the test SMTP server received; ``refuse`` makes it answer the next DATA commands
    with that reply (e.g. "451 4.3.0 try again later") instead of accepting them."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, Inbox]]:
    """aiosmtpd listening on 127.0.0.1 (a free port): (host, port, inbox)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_config(smtp_server: tuple[str, int, Inbox]) -> dict[str, Any]:
    host, port, _inbox = smtp_server
    return {
        "MAIL_SERVER": host,
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "Partnership Health <facilitator@example.org>",
        "MAIL_TIMEOUT": 5,
    }


# -- the roster -----------------------------------------------------------------------------


@dataclass
class RepresentativeRec:
    id: int
    email: str
    unsubscribe: str


@pytest.fixture
def make_representative(app: Flask) -> Callable[..., RepresentativeRec]:
    """``make_representative(partner_id, email, name="", language="en")``."""
    from survey.store.roster import Representative

    def make(partner_id: int, email: str, name: str = "", language: str = "en") -> Any:
        with app.app_context():
            rep = Representative(partner_id=partner_id, email=email, name=name, language=language)
            db.session.add(rep)
            db.session.commit()
            return RepresentativeRec(rep.id, rep.email, rep.unsubscribe_token)

    return make


@pytest.fixture
def personal_links(app: Flask) -> Callable[[int], dict[str, str]]:
    """``personal_links(round_id)``: invite the round's representatives (messages queued, not
    sent); their personal tokens by e-mail address."""

    def invite(round_id: int) -> dict[str, str]:
        from survey.store.roster import PersonalInvite
        from survey.web.invitations import invite_round

        with app.app_context():
            invite_round(round_id)
            invites = db.session.scalars(
                db.select(PersonalInvite).where(PersonalInvite.round_id == round_id)
            )
            return {i.representative.email: i.token for i in invites}

    return invite
