"""Symposium sessions, for facilitators: group open rounds of several partnerships behind one
short code, watch responses arrive on a projector, then show each partnership its radar
against the cohort's average.

Everything is fetched through survey.web.access (404 for anyone but the session's owner). A
partnership shared with the facilitator may have its open rounds added to their sessions;
that grant is all sharing does (docs/decisions/0007-symposium-sessions.md).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from reports import charts
from survey.core.symposium import MIN_COHORT, cohort_scores, format_code
from survey.store.database import db
from survey.store.models import (
    Facilitator,
    PartnershipShare,
    Round,
    SessionRound,
    SymposiumSession,
    utcnow,
)
from survey.store.round_scores import round_report, session_progress
from survey.web.access import includable_rounds, own_partnership, own_session
from survey.web.forms import AddRoundForm, ConfirmForm, SessionForm, ShareForm
from survey.web.ids import parse_id
from survey.web.views.dashboard import PLOTLY_VERSION

bp = Blueprint("symposium", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here is for signed-in facilitators."""


def _session_round(symposium: SymposiumSession, round_id: int) -> Round:
    for round_ in symposium.rounds:
        if round_.id == round_id:
            return round_
    abort(404)


def _join_link(symposium: SymposiumSession) -> str:
    return url_for("join.code", code=symposium.code, _external=True)


# -- sessions -----------------------------------------------------------------------------


@bp.route("/sessions", methods=["GET", "POST"])
def sessions():  # type: ignore[no-untyped-def]
    form = SessionForm()
    if form.validate_on_submit():
        symposium = _create_session(form.name.data.strip())
        flash(_("Session created. Add the rounds of the partnerships taking part."))
        return redirect(url_for("symposium.session_page", session_id=symposium.id))
    mine = db.session.scalars(
        select(SymposiumSession)
        .where(SymposiumSession.owner_id == current_user.id)
        .order_by(SymposiumSession.created_at.desc(), SymposiumSession.id.desc())
    ).all()
    return render_template("symposium/sessions.html", sessions=mine, form=form)


def _create_session(name: str) -> SymposiumSession:
    # Codes are drawn at random from 887 million: a clash is rare, and the unique index
    # turns one into a retry rather than two rooms sharing a code.
    for _attempt in range(5):
        symposium = SymposiumSession(owner_id=current_user.id, name=name)
        db.session.add(symposium)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        return symposium
    abort(503)


def _add_choices(symposium: SymposiumSession) -> list[tuple[str, str]]:
    """Open rounds (own or shared) of partnerships not yet in the session: one round per
    partnership, so that each partnership has one voice in the cohort."""
    present = {r.partnership_id for r in symposium.rounds}
    return [
        (str(r.id), f"{r.partnership.name} · {r.name}")
        for r in includable_rounds()
        if r.partnership_id not in present
    ]


@bp.get("/sessions/<int:session_id>")
def session_page(session_id: int):  # type: ignore[no-untyped-def]
    symposium = own_session(session_id)
    add_form = AddRoundForm()
    add_form.round.choices = _add_choices(symposium)
    return _render_session(symposium, add_form)


def _render_session(symposium: SymposiumSession, add_form: AddRoundForm) -> Any:
    rows = session_progress([r.id for r in symposium.rounds])
    statuses = {r.id: r.status for r in symposium.rounds}
    pack_rounds, left_out = _pack_rounds(symposium)
    return render_template(
        "symposium/session.html",
        symposium=symposium,
        code=format_code(symposium.code),
        join_link=_join_link(symposium),
        rows=rows,
        statuses=statuses,
        add_form=add_form,
        form=ConfirmForm(),
        pack_rounds=pack_rounds,
        pack_left_out=left_out,
        language=_language(),
    )


def _pack_rounds(symposium: SymposiumSession) -> tuple[list[int], int]:
    """The rounds of the session the facilitator may print (their own partnerships'), and how
    many shared partnerships' rounds are left out: a share never hands over the full report,
    its own facilitator prints it (docs/decisions/0007)."""
    own = [r.id for r in symposium.rounds if r.partnership.owner_id == current_user.id]
    return own, len(symposium.session_rounds) - len(own)


@bp.post("/sessions/<int:session_id>/rounds")
def add_round(session_id: int):  # type: ignore[no-untyped-def]
    symposium = own_session(session_id)
    form = AddRoundForm()
    form.round.choices = _add_choices(symposium)
    if symposium.status != "open":
        flash(_("Reopen the session to change its rounds."))
        return redirect(url_for("symposium.session_page", session_id=symposium.id))
    if not form.validate_on_submit():
        return _render_session(symposium, form), 422
    db.session.add(SessionRound(session_id=symposium.id, round_id=int(form.round.data)))
    try:
        db.session.commit()
    except IntegrityError:  # added in another tab meanwhile
        db.session.rollback()
    flash(_("Round added to the session."))
    return redirect(url_for("symposium.session_page", session_id=symposium.id))


@bp.post("/sessions/<int:session_id>/rounds/<int:round_id>/remove")
def remove_round(session_id: int, round_id: int):  # type: ignore[no-untyped-def]
    symposium = own_session(session_id)
    round_ = _session_round(symposium, round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if symposium.status != "open":
        flash(_("Reopen the session to change its rounds."))
    else:
        db.session.execute(
            delete(SessionRound).where(
                SessionRound.session_id == symposium.id, SessionRound.round_id == round_.id
            )
        )
        db.session.commit()
        flash(_("Round removed from the session. Its answers are untouched."))
    return redirect(url_for("symposium.session_page", session_id=symposium.id))


@bp.post("/sessions/<int:session_id>/close")
def close_session(session_id: int):  # type: ignore[no-untyped-def]
    symposium = own_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if symposium.status != "closed":
        symposium.status = "closed"
        symposium.closed_at = utcnow()
        db.session.commit()
        scored = _scored_partnerships(symposium)
        if scored >= MIN_COHORT:
            flash(_("Session closed: its code no longer works. The cohort views are ready."))
        else:
            flash(
                _("Session closed: its code no longer works.")
                + " "
                + ngettext(
                    "The cohort views need at least %(min)s partnerships with submitted "
                    "answers on the same questionnaire; this session has %(num)s.",
                    "The cohort views need at least %(min)s partnerships with submitted "
                    "answers on the same questionnaire; this session has %(num)s.",
                    scored,
                    min=MIN_COHORT,
                )
            )
    return redirect(url_for("symposium.session_page", session_id=symposium.id))


def _scored_partnerships(symposium: SymposiumSession) -> int:
    """How many partnerships the largest cohort view would average: those with submitted
    answers, on the questionnaire most of them share (the cohort view compares like with like)."""
    submitted = {
        row["round_id"]
        for row in session_progress([r.id for r in symposium.rounds])
        if row["submitted"]
    }
    per_instrument = Counter(r.instrument_id for r in symposium.rounds if r.id in submitted)
    return max(per_instrument.values(), default=0)


@bp.post("/sessions/<int:session_id>/reopen")
def reopen_session(session_id: int):  # type: ignore[no-untyped-def]
    symposium = own_session(session_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if symposium.status != "open":
        symposium.status = "open"
        symposium.closed_at = None
        db.session.commit()
        flash(_("Session reopened: its code works again."))
    return redirect(url_for("symposium.session_page", session_id=symposium.id))


# -- the projector ------------------------------------------------------------------------


@bp.get("/sessions/<int:session_id>/projector")
def projector(session_id: int):  # type: ignore[no-untyped-def]
    """For the screen at the front of the room: counts only, in large type."""
    symposium = own_session(session_id)
    rows = session_progress([r.id for r in symposium.rounds])
    link = _join_link(symposium)
    qr = None
    if symposium.status == "open":
        qr = segno.make(link, error="m").svg_inline(scale=8, title=_("Link to join the session"))
    return render_template(
        "symposium/projector.html",
        symposium=symposium,
        code=format_code(symposium.code),
        join_url=url_for("join.code", _external=True),
        qr=qr,
        rows=rows,
        totals=_totals(rows),
    )


def _totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "started": sum(r["started"] for r in rows),
        "submitted": sum(r["submitted"] for r in rows),
    }


@bp.get("/sessions/<int:session_id>/progress.json")
def session_progress_json(session_id: int):  # type: ignore[no-untyped-def]
    """Counts for the projector's script: ids and numbers only, no names."""
    symposium = own_session(session_id)
    rows = session_progress([r.id for r in symposium.rounds])
    response = jsonify(
        status=symposium.status,
        totals=_totals(rows),
        partnerships=[
            {
                "round": row["round_id"],
                "started": row["started"],
                "submitted": row["submitted"],
                "partners": [
                    {
                        "partner": p["partner_id"],
                        "started": p["started"],
                        "submitted": p["submitted"],
                    }
                    for p in row["partners"]
                ],
            }
            for row in rows
        ],
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the cohort view ----------------------------------------------------------------------


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


@bp.get("/sessions/<int:session_id>/cohort/<int:round_id>")
def cohort(session_id: int, round_id: int):  # type: ignore[no-untyped-def]
    """One partnership against the cohort's average. The other partnerships are never named:
    the page gets their scores only as a mean per dimension."""
    symposium = own_session(session_id)
    round_ = _session_round(symposium, round_id)
    g.inline_styles = True
    context: dict[str, Any] = {
        "symposium": symposium,
        "round": round_,
        "partnership_name": round_.partnership.name,
        "report": None,
        "cohort": None,
        "figures": {},
        "plotly_version": PLOTLY_VERSION,
        "min_cohort": MIN_COHORT,
    }
    if symposium.status != "closed":
        return render_template("symposium/cohort.html", **context)
    lang = _language()
    report = round_report(round_, lang)
    # The same instrument only: other questionnaires' dimensions are not the same scale.
    peers = [r for r in symposium.rounds if r.instrument_id == round_.instrument_id]
    reports = [report if r.id == round_.id else round_report(r, lang) for r in peers]
    dims = [d["id"] for d in report["dimensions"]]
    averages = cohort_scores(reports, dims)
    means = {d: averages[d]["mean"] for d in dims}
    scored = sum(1 for r in reports if r["partnership"]["respondents"])
    context.update(report=report, cohort=averages, scored=scored)
    if report["partnership"]["respondents"] and any(m is not None for m in means.values()):
        spec = charts.cohort_radar_spec(report, means, round_.partnership.name)
        context["figures"] = {"cohort": charts.radar_figure(spec)}
    return render_template("symposium/cohort.html", **context)


# -- sharing a partnership with another facilitator ---------------------------------------


def _shares(partnership_id: int) -> list[PartnershipShare]:
    return list(
        db.session.scalars(
            select(PartnershipShare)
            .join(Facilitator, Facilitator.id == PartnershipShare.facilitator_id)
            .where(PartnershipShare.partnership_id == partnership_id)
            .order_by(Facilitator.email)
        )
    )


@bp.get("/partnerships/<int:partnership_id>/sharing")
def sharing(partnership_id: int):  # type: ignore[no-untyped-def]
    partnership = own_partnership(partnership_id)
    return _render_sharing(partnership, ShareForm())


def _render_sharing(partnership: Any, form: ShareForm) -> Any:
    return render_template(
        "symposium/sharing.html",
        partnership=partnership,
        shares=_shares(partnership.id),
        form=form,
        confirm=ConfirmForm(),
    )


@bp.post("/partnerships/<int:partnership_id>/share")
def share(partnership_id: int):  # type: ignore[no-untyped-def]
    """The owner lets another facilitator include this partnership's open rounds in their
    symposium sessions. Owner only."""
    partnership = own_partnership(partnership_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return _render_sharing(partnership, form), 422
    email = form.email.data.strip().lower()
    grantee = db.session.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email))
    if grantee is None or not grantee.active:
        form.email.errors.append(_("No facilitator account uses that email."))
        return _render_sharing(partnership, form), 422
    if grantee.id == partnership.owner_id:
        form.email.errors.append(_("That is you: you already run this partnership."))
        return _render_sharing(partnership, form), 422
    db.session.add(PartnershipShare(partnership_id=partnership.id, facilitator_id=grantee.id))
    try:
        db.session.commit()
        flash(_("Shared with %(email)s for their symposium sessions.", email=grantee.email))
    except IntegrityError:
        db.session.rollback()
        flash(_("Already shared with %(email)s.", email=grantee.email))
    return redirect(url_for("symposium.sharing", partnership_id=partnership.id))


@bp.post("/partnerships/<int:partnership_id>/unshare")
def unshare(partnership_id: int):  # type: ignore[no-untyped-def]
    """Stop sharing: the partnership's rounds also leave that facilitator's sessions."""
    partnership = own_partnership(partnership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    grantee_id = parse_id(request.form.get("facilitator"))
    if grantee_id is None:
        abort(400)
    share_ = db.session.scalar(
        select(PartnershipShare).where(
            PartnershipShare.partnership_id == partnership.id,
            PartnershipShare.facilitator_id == grantee_id,
        )
    )
    if share_ is not None:
        email = share_.facilitator.email
        their_sessions = select(SymposiumSession.id).where(SymposiumSession.owner_id == grantee_id)
        our_rounds = select(Round.id).where(Round.partnership_id == partnership.id)
        db.session.execute(
            delete(SessionRound).where(
                SessionRound.session_id.in_(their_sessions),
                SessionRound.round_id.in_(our_rounds),
            )
        )
        db.session.delete(share_)
        db.session.commit()
        flash(_("No longer shared with %(email)s.", email=email))
    return redirect(url_for("symposium.sharing", partnership_id=partnership.id))
