"""The one configuration object: defaults, overridden by the environment, then by tests."""

from __future__ import annotations

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def private_dir(path: Path) -> None:
    """Create ``path`` readable by its owner only (the instance folder holds the secret key,
    the SQLite database and cached reports), and take group and others' access away from an
    existing one that is ours."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path, 0o700)


def _owner_only(path: Path, mode: int) -> None:
    """Give ``path`` ``mode`` when group or others may use it and it is ours."""
    try:
        status = path.stat()
        if status.st_mode & 0o077 and status.st_uid == os.getuid():
            path.chmod(mode)
    except OSError:
        pass  # not there, or not ours to change


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder,
    so that a fresh clone is secure without set-up and sessions survive a restart."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        _owner_only(key_file, 0o600)  # written by an older release, world-readable
        return key_file.read_text().strip()
    private_dir(instance_path)
    # Written to a file of our own, created 0600 (never readable by others, not even for a
    # moment), then linked into place: two workers starting at once both read the one key
    # that won, and no one ever reads a half-written file.
    temporary = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another worker's key won
            os.link(temporary, key_file)
    finally:
        temporary.unlink(missing_ok=True)
    return key_file.read_text().strip()


def private_sqlite_file(url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would follow the umask,
    usually 0644), and take group and others' access away from an existing one: it holds
    password hashes, respondents' tokens and every answer. SQLite gives its -wal and -shm
    files the database file's permissions."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    database = Path(parsed.database)
    if not database.parent.is_dir():
        return  # SQLite will say it cannot open the file (the health check reports it)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        _owner_only(path, 0o600)


def database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'survey.db'}"
    # Plain postgresql:// URLs would pick psycopg2, which is not installed; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # The busy timeout lets concurrent writers queue instead of failing with "locked".
        return {"connect_args": {"timeout": 15}}
    # Several gunicorn workers each keep a small pool; pre-ping survives server restarts.
    return {"pool_size": 5, "max_overflow": 10, "pool_pre_ping": True, "pool_recycle": 1800}


def _workers() -> int | None:
    """How many worker processes serve the app, when the server says: SURVEY_WORKERS (set by
    gunicorn.conf.py from gunicorn's own count) or WEB_CONCURRENCY (gunicorn's default for -w,
    and what most platforms set). None: unknown."""
    for name in ("SURVEY_WORKERS", "WEB_CONCURRENCY"):
        value = os.environ.get(name, "").strip()
        if value.isascii() and value.isdigit():
            return int(value)
    return None


def _host_list(text: str) -> list[str]:
    return [host.strip().lower() for host in text.split(",") if host.strip()]


def build_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    production = os.environ.get("SURVEY_ENV", "development") == "production"
    url = (overrides or {}).get("SQLALCHEMY_DATABASE_URI") or database_url(instance_path)
    config: dict[str, Any] = {
        # A key given by the caller (tests) leaves the instance folder alone.
        "SECRET_KEY": (overrides or {}).get("SECRET_KEY") or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
        "QUESTIONNAIRES_DIR": os.environ.get(
            "QUESTIONNAIRES_DIR", str(Path(__file__).resolve().parents[2] / "questionnaires")
        ),
        # A partner may leave a page open over lunch; the token lives as long as the session.
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        # Flask-WTF's HTTPS check wants a Referer header, which browsers never send under our
        # "Referrer-Policy: no-referrer": it would refuse every form in production. The token
        # (bound to a Secure, SameSite=Lax session cookie) is the protection.
        "WTF_CSRF_SSL_STRICT": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # How long a facilitator's sign-in lasts, remembered or not: the server forgets it
        # then, whatever the cookie says (survey/web/signins.py).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ("en", "fr"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Redis down must not take sign-in and every partner's link down with it: count in
        # each worker's memory until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        # Compressed copies of static assets and plotly.js (survey/web/assets.py).
        "ASSET_CACHE_DIR": os.environ.get("ASSET_CACHE_DIR", str(instance_path / "asset-cache")),
        # Finished PDFs, keyed by their content (reports/pdf_cache.py); "" turns the cache off.
        "PDF_CACHE_DIR": os.environ.get("PDF_CACHE_DIR", str(instance_path / "pdf-cache")),
        "PDF_CACHE_BYTES": int(os.environ.get("PDF_CACHE_BYTES", str(256 * 1024 * 1024))),
        # The task queue (survey/web/queue.py): redis://... to share it between machines; by
        # default a SQLite file beside the database.
        "QUEUE_URL": os.environ.get("QUEUE_URL") or os.environ.get("REDIS_URL", ""),
        # Finished symposium packs, kept for a week (survey/web/tasks.py).
        "JOB_RESULTS_DIR": os.environ.get("JOB_RESULTS_DIR", str(instance_path / "jobs")),
        # A running job whose worker has been silent this long is taken to be dead, and queued
        # again (its worker beats after every report, a few seconds apart).
        "JOB_STALLED_AFTER_S": int(os.environ.get("JOB_STALLED_AFTER_S", "90")),
        # E-mail (survey/web/mail.py): with no MAIL_SERVER, messages are logged and kept in the
        # outbox, for an administrator to read, and nothing leaves the machine.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587") or 587),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Partnership Health <no-reply@localhost>"
        ),
        "MAIL_TIMEOUT": 20,
        # Reports of a symposium pack laid out at once, each in a process of its own.
        "PDF_WORKERS": int(os.environ.get("PDF_WORKERS", "0") or 0) or min(os.cpu_count() or 1, 4),
        # Number of reverse proxies in front of the app (0: none); see README.
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", "0") or 0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PRODUCTION": production,
        # Links sent outside (invitations, QR codes, join and resume links) start with this,
        # never with the request's Host header, which anyone can set (issue 15).
        "BASE_URL": os.environ.get("BASE_URL", "").strip().rstrip("/"),
        # Host names the app answers to (others get a 400); unset: BASE_URL's host, else any.
        "TRUSTED_HOSTS": _host_list(os.environ.get("TRUSTED_HOSTS", "")) or None,
        "WORKERS": _workers(),
    }
    config.update(overrides or {})
    if config["TRUSTED_HOSTS"] is None and config["BASE_URL"]:
        host = urlsplit(config["BASE_URL"]).hostname
        config["TRUSTED_HOSTS"] = [host] if host else None
    return config


MIN_SECRET_KEY_BYTES = 32


def check_config(config: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What stops the app from starting, and what it starts with a warning about."""
    problems: list[str] = []
    warnings: list[str] = []
    base_url = config.get("BASE_URL") or ""
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            problems.append(
                f"BASE_URL={base_url!r}: give the scheme and host the public reaches the app "
                "at, with no path, e.g. https://survey.example.org"
            )
    if not config.get("PRODUCTION"):
        return problems, warnings
    key = config.get("SECRET_KEY") or ""
    key_bytes = len(key.encode() if isinstance(key, str) else key)
    if key_bytes < MIN_SECRET_KEY_BYTES:
        problems.append(
            f"SECRET_KEY is {key_bytes} bytes; production needs at least "
            f"{MIN_SECRET_KEY_BYTES}: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not config.get("TRUSTED_HOSTS"):
        problems.append(
            "Set BASE_URL (e.g. https://survey.example.org) or TRUSTED_HOSTS in production: "
            "links sent to partners must not take their host from a request's Host header."
        )
    if config.get("RATELIMIT_ENABLED", True) and str(
        config.get("RATELIMIT_STORAGE_URI", "")
    ).startswith("memory://"):
        workers = config.get("WORKERS")
        advice = (
            "rate limits kept in memory (RATELIMIT_STORAGE_URI=memory://) count in each worker "
            "process apart, multiplying every limit (sign-in, guessed links) by the number of "
            "workers: set RATELIMIT_STORAGE_URI=redis://... "
        )
        if workers is not None and workers > 1:
            problems.append(f"{workers} workers and {advice}or run one worker.")
        elif workers is None:
            warnings.append(
                f"The number of workers is unknown (no SURVEY_WORKERS or WEB_CONCURRENCY), and "
                f"{advice}unless a single worker serves the app."
            )
    return problems, warnings
