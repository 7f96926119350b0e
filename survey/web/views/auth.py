"""Facilitator sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from survey.core.passwords import MIN_PASSWORD
from survey.store.database import db
from survey.store.models import Facilitator
from survey.web.extensions import limiter
from survey.web.forms import ConfirmForm, LoginForm, PasswordForm
from survey.web.ids import safe_path

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_path(target) or url_for("facilitate.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("facilitate.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("That email and password do not match an account."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per minute", methods=["POST"])  # the current password is a secret too
def change_password():  # type: ignore[no-untyped-def]
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("That is not your current password."))
        else:
            user = current_user._get_current_object()  # type: ignore[attr-defined]
            user.set_password(form.new.data)
            db.session.commit()
            # Other browsers signed in with the old password are now signed out; this one
            # signs in again with the new stamp (decision 0011).
            login_user(user)
            flash(_("Your password is changed."))
            return redirect(url_for("facilitate.home"))
    return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD)


@bp.get("/language/<lang>")
def set_language(lang: str):  # type: ignore[no-untyped-def]
    """Remember the interface language for this browser, then go back where the person was."""
    if lang in ("en", "fr"):
        session["lang"] = lang
    return redirect(_safe_next(request.args.get("next")))
