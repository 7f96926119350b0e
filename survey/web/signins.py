"""Facilitators' sign-ins, kept on the server (issue 15).

Flask-Login alone keeps a sign-in in the signed session cookie and, with "remember me", in a
remember cookie that is ``id|HMAC`` with no issue time: replaying either after signing out
still worked, until the password changed. Here each sign-in is a row (``SignIn``) that the
cookies name by a random key: signing out deletes it, so an old cookie names nothing; "sign
out everywhere", a new password and deactivation delete all of the account's; and a row is
good for ``REMEMBER_COOKIE_DURATION`` after the sign-in at most (docs/decisions/0014).
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from flask import current_app
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select

from survey.store.database import db
from survey.store.models import Facilitator, SignIn, utcnow
from survey.web.ids import parse_id


def _lifetime_start() -> datetime:
    return utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]


def sign_in(user: Facilitator, remember: bool = False) -> None:
    """Start a sign-in for ``user`` in this browser (and forget their expired ones)."""
    db.session.execute(
        delete(SignIn).where(
            SignIn.facilitator_id == user.id, SignIn.created_at < _lifetime_start()
        )
    )
    SignIn.start(user)
    db.session.commit()
    login_user(user, remember=remember)


def load(user_id: str) -> Facilitator | None:
    """The facilitator of a live sign-in named by ``user_id`` ("<id>.<stamp>.<key>"), else
    None: a cookie from before a sign-out, a new password or a deactivation, or too old."""
    number, stamp, key = [*user_id.split(".", 2), "", ""][:3]
    facilitator_id = parse_id(number)
    if facilitator_id is None or not key:
        return None
    found = db.session.execute(
        select(Facilitator, SignIn.created_at)
        .join(SignIn, SignIn.facilitator_id == Facilitator.id)
        .where(Facilitator.id == facilitator_id, SignIn.key_hash == SignIn.hash_key(key))
    ).first()
    if found is None:
        return None
    user, started = found
    if started.tzinfo is None:  # SQLite drops the zone; times are stored in UTC
        started = started.replace(tzinfo=UTC)
    # The stamp changes with the password hash: a password changed outside the web (a script,
    # an older release) ends the sign-in too.
    same_password = hmac.compare_digest(stamp.encode(), user.session_stamp.encode())
    if not user.active or not same_password or started < _lifetime_start():
        return None
    user.sign_in_id = user_id
    return user


def _key_hash(user_id: str | None) -> str | None:
    key = (user_id or "").split(".", 2)[-1]
    return SignIn.hash_key(key) if key else None


def sign_out() -> None:
    """End this browser's sign-in, on the server as well as in its cookies."""
    key_hash = _key_hash(getattr(current_user, "sign_in_id", None))
    if key_hash is not None:
        db.session.execute(delete(SignIn).where(SignIn.key_hash == key_hash))
        db.session.commit()
    logout_user()


def end_all(facilitator_id: int) -> None:
    """End every sign-in of an account, in every browser (the caller commits)."""
    db.session.execute(delete(SignIn).where(SignIn.facilitator_id == facilitator_id))
