"""Facilitator sign-in and sign-out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from survey.core.passwords import MIN_PASSWORD
from survey.store.database import db
from survey.store.models import Facilitator, check_no_password
from survey.web import signins
from survey.web.extensions import limiter
from survey.web.forms import ConfirmForm, LoginForm, PasswordForm
from survey.web.ids import safe_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_path(target) or url_for("facilitate.home")


def _login_email() -> str:
    """The rate limit's key for one account: tries on the same email from many addresses
    count together (the per-address limit alone lets a botnet guess at leisure)."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"account:{email}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("30 per hour", methods=["POST"], key_func=_login_email)
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("facilitate.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email))
        if user is not None and user.active:
            matches = user.check_password(form.password.data)
        else:
            matches = check_no_password(form.password.data)  # as slow as a real check
        if matches and user is not None:
            signins.sign_in(user, remember=form.remember.data)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("That email and password do not match an account."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    form = ConfirmForm()
    if form.validate_on_submit():
        signins.sign_out()
        flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():  # type: ignore[no-untyped-def]
    """End every sign-in of this account: a lost phone, a shared computer left signed in."""
    if ConfirmForm().validate_on_submit():
        signins.end_all(current_user.id)
        db.session.commit()
        signins.sign_out()
        flash(_("You are signed out on every device."))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])  # the current password is a secret too
def change_password():  # type: ignore[no-untyped-def]
    form = PasswordForm()
    form.user_inputs = (current_user.email, current_user.name or "")
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            user = current_user._get_current_object()  # type: ignore[attr-defined]
            user.set_password(form.new.data)
            user.must_change_password = False
            # Other browsers signed in with the old password are now signed out; this one
            # signs in again (decision 0011).
            signins.end_all(user.id)
            db.session.commit()
            signins.sign_in(user)
            flash(_("Your password is changed."))
            return redirect(url_for("facilitate.home"))
    return render_template(
        "auth/password.html",
        form=form,
        min_length=MIN_PASSWORD,
        confirm=ConfirmForm(),
        forced=current_user.must_change_password,
    )


@bp.get("/language/<lang>")
def set_language(lang: str):  # type: ignore[no-untyped-def]
    """Remember the interface language for this browser, then go back where the person was."""
    if lang in ("en", "fr"):
        session["lang"] = lang
    return redirect(_safe_next(request.args.get("next")))


# Where a facilitator who must change a temporary password may still go.
OPEN_WHILE_FORCED = {
    "auth.change_password",
    "auth.logout",
    "auth.sign_out_everywhere",
    "auth.set_language",
    "static",
}


def require_new_password() -> Any:
    """An app-wide hook: with a temporary password, every facilitator page leads to the
    password form first (an administrator saw that password)."""
    if (
        request.blueprint not in ("respond", "join", "health")
        and request.endpoint not in OPEN_WHILE_FORCED
        and current_user.is_authenticated
        and current_user.must_change_password
    ):
        return redirect(url_for("auth.change_password"))
    return None
