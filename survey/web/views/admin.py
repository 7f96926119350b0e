"""Facilitator accounts, for administrators: list them, create one, issue a new temporary
password, deactivate and reactivate.

An administrator manages accounts and nothing else: their own partnerships are theirs like
anyone's, and other facilitators' data stays 404 for them (docs/decisions/0011). For anyone
who is not an administrator these pages do not exist (404), as with decision 0002.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from survey.store.database import db
from survey.store.models import Facilitator
from survey.web import signins
from survey.web.extensions import login_manager
from survey.web.forms import ConfirmForm, FacilitatorForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def require_admin() -> Any:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(404)
    g.no_store = True  # pages that show a temporary password must not stay in a cache
    return None


ISSUED_KEY = "issued_password"  # the session's note of a password to show once


def temporary_password(account_id: int, nonce: str) -> str:
    """16 characters (96 bits) derived from a fresh nonce with the app's secret key.

    Derived rather than drawn so that the page that shows it can be a GET after a redirect,
    which a refresh does not repeat: the session (signed, not encrypted) carries only the
    nonce, from which nobody without the secret key can work out the password, and the page
    shows it only while it is still the account's password (docs/decisions/0023).
    """
    key = str(current_app.secret_key).encode()
    message = f"temporary-password:{account_id}:{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def _issue(account: Facilitator) -> None:
    """Give ``account`` a new temporary password, to be shown once on the next page."""
    nonce = secrets.token_urlsafe(16)
    account.set_password(temporary_password(account.id, nonce))
    account.must_change_password = True  # the administrator saw it
    signins.end_all(account.id)  # whoever was signed in with the old one is signed out
    db.session.commit()
    session[ISSUED_KEY] = {"account": account.id, "nonce": nonce}


def _issued() -> tuple[Facilitator, str] | None:
    """The password just issued, taken from the session: shown once, then forgotten."""
    note = session.pop(ISSUED_KEY, None)
    if not isinstance(note, dict):
        return None
    account_id = note.get("account")
    account = db.session.get(Facilitator, account_id) if isinstance(account_id, int) else None
    if account is None:
        return None
    password = temporary_password(account.id, str(note.get("nonce")))
    # Changed since (by its owner, or another administrator): nothing to show.
    return (account, password) if account.check_password(password) else None


def _account(facilitator_id: int) -> Facilitator:
    account = db.session.get(Facilitator, facilitator_id)
    if account is None:
        abort(404)
    return account


def _render(form: FacilitatorForm) -> Any:
    accounts = db.session.scalars(select(Facilitator).order_by(func.lower(Facilitator.email)))
    return render_template(
        "admin/facilitators.html",
        accounts=list(accounts),
        form=form,
        confirm=ConfirmForm(),
        issued=_issued(),
    )


@bp.route("/facilitators", methods=["GET", "POST"])
def facilitators():  # type: ignore[no-untyped-def]
    form = FacilitatorForm()
    if not form.validate_on_submit():
        return _render(form), 422 if form.errors else 200
    email = form.email.data
    taken = db.session.scalar(select(Facilitator.id).where(func.lower(Facilitator.email) == email))
    if taken is not None:
        form.email.errors.append(_("A facilitator account already uses that email."))
        return _render(form), 422
    account = Facilitator(
        email=email, name=(form.name.data or "").strip(), is_admin=form.is_admin.data
    )
    # A throwaway password until the row has the id that the real one is derived with.
    account.set_password(secrets.token_urlsafe(32))
    db.session.add(account)
    db.session.flush()
    # Shown once on the page this redirects to; never put in the session cookie itself.
    _issue(account)
    return redirect(url_for("admin.facilitators"))


@bp.route("/facilitators/<int:facilitator_id>/password", methods=["GET", "POST"])
def new_password(facilitator_id: int):  # type: ignore[no-untyped-def]
    """GET asks to confirm; POST replaces the password and redirects to the page showing it."""
    account = _account(facilitator_id)
    if account.id == current_user.id:
        # It would sign the administrator out, with a password they did not choose.
        flash(_("To change your own password, use the Password page."))
        return redirect(url_for("auth.change_password"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            abort(400)
        return render_template("admin/new_password.html", account=account, form=form)
    _issue(account)
    return redirect(url_for("admin.facilitators"))


@bp.post("/facilitators/<int:facilitator_id>/deactivate")
def deactivate(facilitator_id: int):  # type: ignore[no-untyped-def]
    account = _account(facilitator_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if account.id == current_user.id:
        flash(_("You cannot deactivate your own account."))
    elif account.active:
        account.active = False
        # Ended on the server, so that reactivating the account later does not bring any
        # of its old cookies back.
        signins.end_all(account.id)
        db.session.commit()
        flash(_("%(email)s can no longer sign in.", email=account.email))
    return redirect(url_for("admin.facilitators"))


@bp.post("/facilitators/<int:facilitator_id>/reactivate")
def reactivate(facilitator_id: int):  # type: ignore[no-untyped-def]
    account = _account(facilitator_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not account.active:
        account.active = True
        db.session.commit()
        flash(_("%(email)s can sign in again.", email=account.email))
    return redirect(url_for("admin.facilitators"))


@bp.get("/outbox")
def outbox() -> Any:
    """Every message the app queued, sent or only logged (no mail server configured), newest
    first: a fresh install shows here what it would have sent."""
    from survey.store.outbox import recent

    return render_template("admin/outbox.html", messages=recent(100))
