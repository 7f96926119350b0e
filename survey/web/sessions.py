"""The signed session cookie, sent again when it changed or when it is a day old.

Flask re-signs and re-sends a permanent session (a respondent's, which holds their resume
links) on every response, so that its 30 days run from the last visit, and builds a new
signing serializer on every request to read it. Here the serializer is built once per key
set, and an unchanged cookie is signed again once it is a day old: the same sliding lifetime,
to within a day, without signing on every page (docs/performance.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from flask import Flask, Request
    from flask.sessions import SessionMixin

REFRESH_AFTER = timedelta(days=1)


class SignedSession(SecureCookieSession):
    #: When the cookie this session was read from was signed (None: a new session).
    signed_at: datetime | None = None


class SessionInterface(SecureCookieSessionInterface):
    session_class = SignedSession

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        serializer = self._serializers.get(keys)
        if serializer is None and app.secret_key:
            serializer = super().get_signing_serializer(app)
            self._serializers[keys] = serializer  # type: ignore[assignment]
        return serializer

    def open_session(self, app: Flask, request: Request) -> SignedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= REFRESH_AFTER
