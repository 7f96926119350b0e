"""The task queue: Huey, on SQLite by default and on Redis when ``QUEUE_URL`` says so.

One Huey instance for the process, so that tasks can be declared at import time; the app
factory points its storage at the configured place (``init_app``) and remembers the app, so
that each task runs in that app's context (its configuration and its database). Workers are
``survey worker`` processes (``make run`` starts one); with Redis, any number of them on any
number of machines share the queue. See docs/decisions/0018-task-queue.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from huey import SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage

from survey.store.database import db
from survey.web.config import private_sqlite_file

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

# Storage is replaced by init_app before anything is enqueued; until then, a queue file in the
# working folder would be a surprise, so the placeholder keeps everything in memory.
huey: Huey = SqliteHuey("partnership-health", filename=":memory:", utc=True)
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at ``QUEUE_URL`` (``redis://...``) or at a SQLite file beside the
    database (``instance/queue.db``), and run tasks in this app's context."""
    global _app
    _app = app
    url = app.config.get("QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage = RedisStorage("partnership-health", url=url)
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "queue.db")
        Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_sqlite_file(f"sqlite:///{path}")  # 0600, as the database beside it
        huey.storage = SqliteStorage("partnership-health", filename=path)


def bound_app() -> Flask | None:
    """The app whose context tasks run in (None before create_app)."""
    return _app


def _in_app(func: F) -> F:
    """Run ``func`` inside the bound app's context, with the session removed afterwards (a
    worker thread must not carry one task's transaction into the next)."""

    @wraps(func)
    def in_app(*args: Any, **kwargs: Any) -> Any:
        if _app is None:
            raise RuntimeError("the task queue has no app: call create_app() first")
        with _app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    return in_app  # type: ignore[return-value]


def app_task(**options: Any) -> Callable[[F], Any]:
    """``huey.task``, run in the app's context."""
    return lambda func: huey.task(**options)(_in_app(func))


def app_periodic_task(schedule: Callable[..., bool], **options: Any) -> Callable[[F], Any]:
    """``huey.periodic_task``, run in the app's context (no-op where no app is bound)."""
    return lambda func: huey.periodic_task(schedule, **options)(_in_app(func))


def consumer(workers: int = 1, *, periodic: bool = True) -> Consumer:
    """A consumer of the queue, as ``survey worker`` runs it (threads: tasks wait on the
    database and on WeasyPrint's worker processes, not on the interpreter)."""
    return huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        initial_delay=0.05,
        max_delay=1.0,
        check_worker_health=True,
    )
