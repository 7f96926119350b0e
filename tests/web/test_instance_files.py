"""The instance folder's secrets are the owner's alone (issue 15, item 7): the generated secret
key, and the SQLite database with its -wal and -shm files (password hashes, tokens, answers)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from survey.store.database import db
from survey.web import config
from survey.web.app import create_app


@pytest.fixture
def loose_umask():
    """The usual umask, under which files are created world-readable unless asked otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secret_key_is_created_owner_only_without_a_chmod_afterwards(
    tmp_path, monkeypatch, loose_umask
):
    # With chmod doing nothing, only a file *created* 0600 ends up 0600: no moment where the
    # key sits in a world-readable file.
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    instance = tmp_path / "instance"
    key = config._secret_key(instance)
    assert len(key) == 64
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance) == 0o700
    assert config._secret_key(instance) == key  # read back, not made again
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary left


def test_an_existing_key_file_is_never_replaced_and_made_owner_only(
    tmp_path, monkeypatch, loose_umask
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "secret_key").write_text("k" * 64 + "\n")
    os.chmod(instance / "secret_key", 0o644)  # as an older release left it
    assert config._secret_key(instance) == "k" * 64
    assert mode(instance / "secret_key") == 0o600
    config.private_dir(instance)
    assert mode(instance) == 0o700


def test_sqlite_database_and_its_wal_and_shm_are_owner_only(tmp_path, monkeypatch, loose_umask):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "survey.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 64,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "QUEUE_URL": f"sqlite:///{instance / 'queue.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:  # keep the WAL open while looking
            connection.execute(text("SELECT count(*) FROM facilitator"))
            for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
                assert path.exists(), path
                assert mode(path) == 0o600, (path.name, oct(mode(path)))
        db.engine.dispose()


def test_an_existing_world_readable_database_is_made_owner_only(tmp_path, loose_umask):
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    config.private_sqlite_file(f"sqlite:///{database}")
    assert mode(database) == 0o600


def test_the_queue_file_and_the_pdf_cache_are_owner_only(tmp_path, loose_umask):
    """The task queue's SQLite file and the cached reports (scores and comments) too."""
    from reports.pdf_cache import PdfCache

    folder = tmp_path / "elsewhere"  # configured outside the instance folder
    create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 64,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'survey.db'}",
            "QUEUE_URL": f"sqlite:///{folder / 'queue.db'}",
            "RATELIMIT_ENABLED": False,
        }
    )
    assert mode(folder) == 0o700 and mode(folder / "queue.db") == 0o600
    cache = PdfCache(tmp_path / "pdf-cache")
    key = cache.key("a report")
    cache.put(key, b"%PDF-1.7 ...")
    stored = next((tmp_path / "pdf-cache").rglob("*.pdf"))
    assert mode(stored.parent) == 0o700 and mode(stored) == 0o600
