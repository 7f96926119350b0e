"""Facilitator accounts, for administrators: list them, create one, issue a new temporary
password, deactivate and reactivate.

An administrator manages accounts and nothing else: their own partnerships are theirs like
anyone's, and other facilitators' data stays 404 for them (docs/decisions/0011). For anyone
who is not an administrator these pages do not exist (404), as with decision 0002.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
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


def temporary_password() -> str:
    """16 characters from the OS's CSPRNG (96 bits), shown once to the administrator."""
    return secrets.token_urlsafe(12)


def _account(facilitator_id: int) -> Facilitator:
    account = db.session.get(Facilitator, facilitator_id)
    if account is None:
        abort(404)
    return account


def _render(form: FacilitatorForm, issued: tuple[Facilitator, str] | None = None) -> Any:
    accounts = db.session.scalars(select(Facilitator).order_by(func.lower(Facilitator.email)))
    return render_template(
        "admin/facilitators.html",
        accounts=list(accounts),
        form=form,
        confirm=ConfirmForm(),
        issued=issued,
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
    password = temporary_password()
    account = Facilitator(
        email=email, name=(form.name.data or "").strip(), is_admin=form.is_admin.data
    )
    account.set_password(password)
    account.must_change_password = True  # the administrator saw it
    db.session.add(account)
    db.session.commit()
    # Shown on this page only, never put in the session cookie or a flash message.
    return _render(FacilitatorForm(formdata=None), issued=(account, password))


@bp.post("/facilitators/<int:facilitator_id>/password")
def new_password(facilitator_id: int):  # type: ignore[no-untyped-def]
    account = _account(facilitator_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = temporary_password()
    account.set_password(password)
    account.must_change_password = True  # the administrator saw it
    signins.end_all(account.id)  # whoever was signed in with the old one is signed out
    db.session.commit()
    return _render(FacilitatorForm(formdata=None), issued=(account, password))


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
