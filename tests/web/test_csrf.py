"""CSRF on every POST route, generated from the URL map: a form sent without this browser's
token, or with another browser's, is a 400 with the "form has expired" page (never a 500),
and changes nothing. Each route is tried as a role that the policy lets through, so that the
token is the only thing standing in the way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.store.database import db
from survey.store.models import (
    Answer,
    Facilitator,
    Invitation,
    Partner,
    Partnership,
    Response,
    Round,
)
from survey.web.extensions import csrf
from tests.helpers import text_of
from tests.web.access_policy import Scene, allowed_role, unlisted
from tests.web.routes import routes

EXPIRED = "This form has expired"
# Fields that would make most forms valid, so that only the token is missing.
PLAUSIBLE = {
    "name": "Changed",
    "email": "new-account@example.org",
    "password": "correct horse battery",
    "min_group_size": "1",
    "status": "closed",
    "code": "ABCDEF",
    "action": "next",
    "round": "1",
    "facilitator": "1",
}


def posting_routes(app):
    problems = unlisted(app)
    assert not problems, "\n".join(problems)
    found = [
        (route, method) for route in routes(app) for method in route.methods if method != "GET"
    ]
    assert len(found) >= 25, found
    return found


def test_no_view_or_blueprint_is_exempt(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert app.config.get("WTF_CSRF_CHECK_DEFAULT", True) is True
    assert not csrf._exempt_views and not csrf._exempt_blueprints


@pytest.mark.parametrize("token", ["missing", "another browser's", "garbage"])
def test_every_post_route_refuses_a_form_without_this_browsers_token(app, scene: Scene, token):
    stranger = app.test_client()
    foreign = scene.csrf("anonymous") if token == "another browser's" else None
    before = _snapshot(app)
    failures = []
    for route, method in posting_routes(app):
        role = allowed_role(route.endpoint)
        client = scene.clients[role]
        data = dict(PLAUSIBLE)
        if token == "another browser's":
            stranger.get("/login")
            data["csrf_token"] = foreign
        elif token == "garbage":
            data["csrf_token"] = "IjAwMDAi.AAAAAA.forged"
        response = client.open(
            scene.url(route, role),
            method=method,
            query_string=scene.query.get(route.endpoint, {}),
            data=data,
        )
        if response.status_code != 400 or EXPIRED not in text_of(response):
            failures.append(f"{role}: {method} {route.rule} -> {response.status_code}")
    assert not failures, "accepted or mishandled without a valid token:\n" + "\n".join(failures)
    assert _snapshot(app) == before


def test_the_expired_page_says_what_to_do_and_keeps_the_headers(app, scene: Scene):
    response = scene.clients["respondent"].post(
        scene.url(next(r for r in routes(app) if r.endpoint == "respond.page"), "respondent"),
        data={"action": "next"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert EXPIRED in page and "Go back, reload the page, and try again." in page
    assert "no-store" in response.headers["Cache-Control"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_json_body_does_not_bypass_the_token(app, scene: Scene):
    """A script posting JSON (no form fields) meets the same check."""
    admin = scene.clients["admin"]
    response = admin.post("/admin/facilitators", json={"email": "json@example.org"})
    assert response.status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(select(Facilitator).where(Facilitator.email == "json@example.org"))
            is None
        )


def _snapshot(app):
    with app.app_context():
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Facilitator, Partnership, Partner, Round, Invitation, Response, Answer)
        }
        counts["revoked"] = db.session.scalar(
            select(func.count(Invitation.id)).where(Invitation.revoked_at.is_not(None))
        )
        counts["inactive"] = db.session.scalar(
            select(func.count(Facilitator.id)).where(Facilitator.active.is_(False))
        )
        counts["rounds"] = db.session.execute(select(Round.name, Round.status)).all()
        counts["hashes"] = db.session.scalars(select(Facilitator.password_hash)).all()
        return counts
