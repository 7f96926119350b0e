"""Facilitators: partnerships, partners, assessment rounds and invitation links.

Views are thin: fetch through survey.web.access (404 for anything not the facilitator's own),
validate a form, save, redirect. Scores come from survey.store.round_scores as the score report.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from reports.words import format_date
from survey.core.instruments import available
from survey.store.database import db
from survey.store.models import Invitation, Partner, Partnership, Round, utcnow
from survey.store.roster import reach
from survey.store.round_scores import progress, round_report
from survey.web.access import own_invitation, own_partner, own_partnership, own_round
from survey.web.forms import ConfirmForm, PartnerForm, PartnershipForm, RoundEditForm, RoundForm
from survey.web.template_helpers import interface_language

bp = Blueprint("facilitate", __name__)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for signed-in facilitators."""


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    partnerships = db.session.scalars(
        select(Partnership)
        .where(Partnership.owner_id == current_user.id)
        .order_by(Partnership.name)
    ).all()
    return render_template("facilitate/home.html", partnerships=partnerships)


# -- partnerships -------------------------------------------------------------------------


@bp.route("/partnerships/new", methods=["GET", "POST"])
def new_partnership():  # type: ignore[no-untyped-def]
    form = PartnershipForm()
    if form.validate_on_submit():
        partnership = Partnership(owner_id=current_user.id)
        form.populate_obj(partnership)
        db.session.add(partnership)
        db.session.commit()
        flash(_("Partnership created. Now add its partners."))
        _warn_small_groups(partnership)
        return redirect(url_for("facilitate.partnership", partnership_id=partnership.id))
    return render_template("facilitate/partnership_form.html", form=form, partnership=None)


@bp.get("/partnerships/<int:partnership_id>")
def partnership(partnership_id: int):  # type: ignore[no-untyped-def]
    partnership = own_partnership(partnership_id)
    summaries = {}
    for round_ in partnership.rounds:
        report = round_report(round_, interface_language())
        summaries[round_.id] = {
            "report": report,
            "risk": report["pino_risk"],
            "respondents": report["partnership"]["respondents"],
            "rate": report["partnership"]["response_rate"],
        }
    return render_template(
        "facilitate/partnership.html",
        partnership=partnership,
        summaries=summaries,
        form=ConfirmForm(),
    )


@bp.route("/partnerships/<int:partnership_id>/edit", methods=["GET", "POST"])
def edit_partnership(partnership_id: int):  # type: ignore[no-untyped-def]
    partnership = own_partnership(partnership_id)
    form = PartnershipForm(obj=partnership)
    if form.validate_on_submit():
        form.populate_obj(partnership)
        db.session.commit()
        flash(_("Changes saved."))
        _warn_small_groups(partnership)
        return redirect(url_for("facilitate.partnership", partnership_id=partnership.id))
    return render_template("facilitate/partnership_form.html", form=form, partnership=partnership)


def _warn_small_groups(partnership: Partnership) -> None:
    """Below 3, what the facilitator chose exposes people: say so plainly."""
    if partnership.min_group_size < 3:
        flash(
            _(
                "Minimum group size %(n)s: a partner with %(n)s respondent(s) is shown on its "
                "own, so its scores are those people's answers. Respondents were told results "
                "are per organisation, never per person; 3 or more keeps that promise.",
                n=partnership.min_group_size,
            )
        )


# -- partners -----------------------------------------------------------------------------


def _save_partner(form: PartnerForm, partner: Partner) -> bool:
    form.populate_obj(partner)
    partner.name = partner.name.strip()
    partner.role = form.role.data or None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors.append(_("This partnership already has a partner with that name."))
        return False
    return True


@bp.route("/partnerships/<int:partnership_id>/partners/new", methods=["GET", "POST"])
def new_partner(partnership_id: int):  # type: ignore[no-untyped-def]
    partnership = own_partnership(partnership_id)
    form = PartnerForm()
    if form.validate_on_submit():
        position = db.session.scalar(
            select(func.coalesce(func.max(Partner.position), 0)).where(
                Partner.partnership_id == partnership.id
            )
        )
        partner = Partner(partnership_id=partnership.id, position=(position or 0) + 1)
        db.session.add(partner)
        if _save_partner(form, partner):
            _issue_missing_invitations(partnership)
            flash(_("Partner added."))
            if request.form.get("action") == "another":
                return redirect(url_for("facilitate.new_partner", partnership_id=partnership.id))
            return redirect(url_for("facilitate.partnership", partnership_id=partnership.id))
    return render_template(
        "facilitate/partner_form.html", form=form, partnership=partnership, partner=None
    )


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
def edit_partner(partner_id: int):  # type: ignore[no-untyped-def]
    partner = own_partner(partner_id)
    form = PartnerForm(obj=partner)
    if request.method == "GET":
        form.role.data = partner.role or ""
    if form.validate_on_submit() and _save_partner(form, partner):
        flash(_("Changes saved."))
        return redirect(url_for("facilitate.partnership", partnership_id=partner.partnership_id))
    return render_template(
        "facilitate/partner_form.html",
        form=form,
        partnership=partner.partnership,
        partner=partner,
    )


@bp.post("/partners/<int:partner_id>/delete")
def delete_partner(partner_id: int):  # type: ignore[no-untyped-def]
    partner = own_partner(partner_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    partnership_id = partner.partnership_id
    from survey.store.models import Response as ResponseRow

    has_answers = db.session.scalar(
        select(func.count(ResponseRow.id)).where(ResponseRow.partner_id == partner.id)
    )
    if has_answers:
        flash(_("This partner has responses in a round, so it cannot be removed."))
    else:
        db.session.execute(Invitation.__table__.delete().where(Invitation.partner_id == partner.id))
        db.session.delete(partner)
        db.session.commit()
        flash(_("Partner removed."))
    return redirect(url_for("facilitate.partnership", partnership_id=partnership_id))


# -- rounds -------------------------------------------------------------------------------


def _instrument_choices() -> list[SelectChoice]:
    lang = _language()
    return [
        SelectChoice(
            found.filename,
            f"{found.questionnaire.text(found.questionnaire.title, lang)} "
            f"({found.questionnaire.id} {found.questionnaire.version})",
        )
        for found in available(current_app.config["QUESTIONNAIRES_DIR"])
        if found.questionnaire is not None
    ]


# A new round's dates unless the facilitator changes them: from today, for three weeks (time
# for partners' representatives to find a slot, short enough to keep the answers current).
ROUND_WEEKS = 3


@bp.route("/partnerships/<int:partnership_id>/rounds/new", methods=["GET", "POST"])
def new_round(partnership_id: int):  # type: ignore[no-untyped-def]
    partnership = own_partnership(partnership_id)
    form = RoundForm()
    form.instrument.choices = _instrument_choices()
    if not form.is_submitted():
        today = date.today()
        form.opens_on.data = today
        form.closes_on.data = today + timedelta(weeks=ROUND_WEEKS)
        if len(form.instrument.choices) == 1:
            form.instrument.data = form.instrument.choices[0].value
    if form.validate_on_submit():
        path = Path(current_app.config["QUESTIONNAIRES_DIR"]) / form.instrument.data
        found = {f.filename: f for f in available(path.parent)}.get(form.instrument.data)
        if found is None or found.questionnaire is None:
            form.instrument.errors.append(_("That questionnaire is no longer available."))
        else:
            q = found.questionnaire
            round_ = Round(
                partnership_id=partnership.id,
                name=form.name.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                status="draft",
                **Round.pinned_instrument(found.filename, q),
            )
            db.session.add(round_)
            db.session.flush()
            for partner in partnership.partners:
                db.session.add(Invitation(round_id=round_.id, partner_id=partner.id))
            db.session.commit()
            flash(
                _(
                    "Round created as a draft: its links do not work yet. "
                    "Open the round when partners may answer."
                )
            )
            return redirect(url_for("facilitate.round_page", round_id=round_.id))
    return render_template("facilitate/round_form.html", form=form, partnership=partnership)


def _issue_missing_invitations(partnership: Partnership) -> None:
    """A partner added after a round was created gets its link for every unclosed round."""
    for round_ in partnership.rounds:
        if round_.status == "closed":
            continue
        have = {i.partner_id for i in round_.invitations if i.revoked_at is None}
        for partner in partnership.partners:
            if partner.id not in have:
                db.session.add(Invitation(round_id=round_.id, partner_id=partner.id))
    db.session.commit()


@bp.get("/rounds/<int:round_id>")
def round_page(round_id: int):  # type: ignore[no-untyped-def]
    round_ = own_round(round_id)
    report = round_report(round_, interface_language())
    invitations = {i.partner_id: i for i in round_.invitations if i.revoked_at is None}
    return render_template(
        "facilitate/round.html",
        round=round_,
        report=report,
        progress=progress(round_),
        invitations=invitations,
        reach=reach(round_.id),
        form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
def edit_round(round_id: int):  # type: ignore[no-untyped-def]
    round_ = own_round(round_id)
    form = RoundEditForm(obj=round_)
    if form.validate_on_submit():
        form.populate_obj(round_)
        db.session.commit()
        flash(_("Changes saved."))
        return redirect(url_for("facilitate.round_page", round_id=round_.id))
    return render_template("facilitate/round_edit.html", form=form, round=round_)


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):  # type: ignore[no-untyped-def]
    """Open (or reopen) a round: its links take answers, within its dates."""
    round_ = own_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    today, lang = date.today(), _language()
    if round_.closes_on and round_.closes_on < today:
        flash(
            _(
                "The round's closing date, %(date)s, has passed: change it (Edit the round), "
                "then open the round.",
                date=format_date(round_.closes_on, lang),
            )
        )
        return redirect(url_for("facilitate.round_page", round_id=round_.id))
    round_.status = "open"
    db.session.commit()
    if round_.opens_on and round_.opens_on > today:
        message = _(
            "The round is open: its links work from %(opens)s.",
            opens=format_date(round_.opens_on, lang),
        )
    else:
        message = _("The round is open: partners can answer with their links now.")
    if round_.closes_on:
        message += " " + _(
            "They stop taking answers after %(closes)s.", closes=format_date(round_.closes_on, lang)
        )
    flash(message)
    return redirect(url_for("facilitate.round_page", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):  # type: ignore[no-untyped-def]
    """Close a round: its links show answers read-only, its results stop changing."""
    round_ = own_round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if round_.status == "open":
        round_.status = "closed"
        db.session.commit()
        flash(
            _(
                "The round is closed: its links now show the answers read-only, and its "
                "dashboard and reports no longer change. You can reopen it."
            )
        )
    return redirect(url_for("facilitate.round_page", round_id=round_.id))


# -- invitations --------------------------------------------------------------------------


@bp.post("/invitations/<int:invitation_id>/reissue")
def reissue_invitation(invitation_id: int):  # type: ignore[no-untyped-def]
    invitation = own_invitation(invitation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.add(Invitation(round_id=invitation.round_id, partner_id=invitation.partner_id))
        db.session.commit()
        flash(
            _(
                "The old link for %(partner)s no longer works; share the new one.",
                partner=invitation.partner.name,
            )
        )
    return redirect(url_for("facilitate.round_page", round_id=invitation.round_id))


@bp.get("/invitations/<int:invitation_id>/qr.svg")
def invitation_qr(invitation_id: int):  # type: ignore[no-untyped-def]
    invitation = own_invitation(invitation_id)
    if invitation.revoked_at is not None:
        abort(404)
    link = url_for("respond.welcome", token=invitation.token, _external=True)
    # A standalone file (svg_inline leaves out the SVG namespace, and an <img> then shows
    # nothing).
    svg = io.BytesIO()
    segno.make(link, error="m").save(
        svg, kind="svg", scale=4, title=invitation.partner.name, xmldecl=False
    )
    response = Response(svg.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response
