"""The one configuration object: defaults, overridden by the environment, then by tests."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the instance folder,
    so that a fresh clone is secure without set-up and sessions survive a restart."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


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
        # Reports of a symposium pack laid out at once, each in a process of its own.
        "PDF_WORKERS": int(os.environ.get("PDF_WORKERS", "0") or 0) or min(os.cpu_count() or 1, 4),
        # Number of reverse proxies in front of the app (0: none); see README.
        "PROXY_FIX": int(os.environ.get("PROXY_FIX", "0") or 0),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
    config.update(overrides or {})
    return config
