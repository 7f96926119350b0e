"""A partner's representatives (its roster), and the round's personal invitations by e-mail.

The owner's only (survey.web.access: 404 for anyone else). Adding people is all or nothing:
with any problem in the list, the page comes back with every problem at its line and nothing
is added.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from sqlalchemy import select

from survey.core.problems import Problem
from survey.core.roster_input import parse_roster
from survey.store.database import db
from survey.store.models import Partner
from survey.store.roster import Representative
from survey.web.access import own_partner, own_round
from survey.web.forms import ConfirmForm, RosterForm
from survey.web.ids import parse_id

bp = Blueprint("roster", __name__)
MAX_UPLOAD = 200_000  # bytes of a roster file: 500 people fit many times over


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for signed-in facilitators."""


def _people(partner: Partner) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .where(Representative.partner_id == partner.id)
            .order_by(Representative.email)
        )
    )


def _page(partner: Partner, form: RosterForm, problems: list[Problem], status: int) -> Any:
    return (
        render_template(
            "facilitate/roster.html",
            partner=partner,
            partnership=partner.partnership,
            people=_people(partner),
            form=form,
            confirm=ConfirmForm(),
            problems=problems,
        ),
        status,
    )


@bp.route("/partners/<int:partner_id>/representatives", methods=["GET", "POST"])
def representatives(partner_id: int) -> Any:
    partner = own_partner(partner_id)
    form = RosterForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _page(partner, form, [], 422 if form.errors else 200)
    text, source = form.people.data or "", _("the list")
    if form.file.data:
        raw = form.file.data.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            form.file.errors.append(_("The file is over 200 KB: split it."))
            return _page(partner, form, [], 422)
        text, source = raw.decode("utf-8-sig", errors="replace"), form.file.data.filename or "file"
    rows, problems = parse_roster(text, source)
    if problems:
        return _page(partner, form, problems, 422)
    if not rows:
        form.people.errors.append(_("Type or paste at least one e-mail address."))
        return _page(partner, form, [], 422)
    known = {person.email for person in _people(partner)}
    added = [row for row in rows if row.email not in known]
    db.session.add_all(
        Representative(partner_id=partner.id, name=row.name, email=row.email, language=row.language)
        for row in added
    )
    db.session.commit()
    flash(
        ngettext("%(num)s person added.", "%(num)s people added.", len(added))
        + (
            " " + _("%(num)s already on the list.", num=len(rows) - len(added))
            if len(added) < len(rows)
            else ""
        )
    )
    return redirect(url_for("roster.representatives", partner_id=partner.id))


@bp.post("/partners/<int:partner_id>/representatives/remove")
def remove_representative(partner_id: int) -> Any:
    partner = own_partner(partner_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    person_id = parse_id(request.form.get("person", ""))
    if person_id is None:
        abort(400)  # a form without a person to remove
    person = db.session.get(Representative, person_id)
    if person is None or person.partner_id != partner.id:
        abort(404)
    db.session.delete(person)  # their personal invitations go with them
    db.session.commit()
    flash(_("%(email)s removed.", email=person.email))
    return redirect(url_for("roster.representatives", partner_id=partner.id))


@bp.post("/rounds/<int:round_id>/invite")
def invite(round_id: int) -> Any:
    """E-mail a personal invitation to every representative not yet invited (background)."""
    from survey.web.invitations import invite_round
    from survey.web.tasks import send_mail

    round_ = own_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if round_.status != "open":
        flash(_("Open the round first: invitations lead to its questionnaire."))
        return redirect(url_for("facilitate.round_page", round_id=round_.id))
    queued = invite_round(round_.id)
    if queued:
        send_mail()
    flash(
        ngettext(
            "%(num)s invitation is on its way.", "%(num)s invitations are on their way.", queued
        )
    )
    return redirect(url_for("facilitate.round_page", round_id=round_.id))
