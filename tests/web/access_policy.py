"""Who may use each route: ONE table, keyed by endpoint, from which every role's expected
answer derives. The security tests (matrix, CSRF, headers) read it with the app's URL map, so a
route added later without an entry here fails them, saying where to add it.

Roles: an anonymous visitor; a respondent of partnership A (holding A's invitation link, a
response in progress and A's symposium session joined by code); facilitator A, who owns the
partnership; facilitator B, who owns another; and an administrator, who owns nothing of A's.
Links are bearer credentials: whoever holds a respondent link is that respondent, so the other
roles use a link that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import plotly
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import FacilitatorRec, csrf_from, get_csrf, path_of, post_form, start_response
from tests.web.routes import Route, missing_args, routes

# -- the policy table ---------------------------------------------------------------------

PUBLIC = "public"  # anyone, signed in or not
RESPONDENT_TOKEN = "respondent-token"  # whoever holds the invitation or resume link
SYMPOSIUM_JOINED = "symposium-joined"  # a browser that typed an open session's code
FACILITATOR_ANY = "facilitator-any"  # any signed-in facilitator, about their own things
FACILITATOR_OWNED = "facilitator-owned"  # the partnership's (or session's) owner only
ADMIN_ONLY = "admin-only"  # administrators: facilitator accounts

POLICY: dict[str, str] = {
    "static": PUBLIC,
    "health.healthz": PUBLIC,
    "dashboard.plotly_js": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,  # signing out is harmless for anyone; it needs a CSRF token
    "auth.set_language": PUBLIC,
    "auth.change_password": FACILITATOR_ANY,
    "join.code": PUBLIC,
    "join.partnership": SYMPOSIUM_JOINED,
    "join.organisation": SYMPOSIUM_JOINED,
    "respond.welcome": RESPONDENT_TOKEN,
    "respond.start": RESPONDENT_TOKEN,
    "respond.resume": RESPONDENT_TOKEN,
    "respond.page": RESPONDENT_TOKEN,
    "respond.saved": RESPONDENT_TOKEN,
    "respond.switch_language": RESPONDENT_TOKEN,
    "respond.review": RESPONDENT_TOKEN,
    "respond.submit": RESPONDENT_TOKEN,
    "respond.done": RESPONDENT_TOKEN,
    "facilitate.home": FACILITATOR_ANY,
    "facilitate.new_partnership": FACILITATOR_ANY,
    "facilitate.partnership": FACILITATOR_OWNED,
    "facilitate.edit_partnership": FACILITATOR_OWNED,
    "facilitate.new_partner": FACILITATOR_OWNED,
    "facilitate.edit_partner": FACILITATOR_OWNED,
    "facilitate.delete_partner": FACILITATOR_OWNED,
    "facilitate.new_round": FACILITATOR_OWNED,
    "facilitate.round_page": FACILITATOR_OWNED,
    "facilitate.edit_round": FACILITATOR_OWNED,
    "facilitate.open_round": FACILITATOR_OWNED,
    "facilitate.close_round": FACILITATOR_OWNED,
    "facilitate.reissue_invitation": FACILITATOR_OWNED,
    "facilitate.invitation_qr": FACILITATOR_OWNED,
    "dashboard.round_dashboard": FACILITATOR_OWNED,
    "dashboard.round_progress": FACILITATOR_OWNED,
    "dashboard.compare": FACILITATOR_OWNED,
    "exports.responses_as_csv": FACILITATOR_OWNED,
    "exports.responses_as_xlsx": FACILITATOR_OWNED,
    "exports.scores_as_csv": FACILITATOR_OWNED,
    "exports.scores_as_xlsx": FACILITATOR_OWNED,
    "exports.scores_api": FACILITATOR_OWNED,
    "paper.import_answers": FACILITATOR_OWNED,
    "paper.template": FACILITATOR_OWNED,
    "paper.blank_form": FACILITATOR_OWNED,
    "paper.partner_form": FACILITATOR_OWNED,
    "reports.partnership_pdf": FACILITATOR_OWNED,
    "reports.partner_pdf": FACILITATOR_OWNED,
    "reports.symposium_form": FACILITATOR_ANY,
    "reports.symposium_pack": FACILITATOR_ANY,
    "symposium.sessions": FACILITATOR_ANY,
    "symposium.session_page": FACILITATOR_OWNED,
    "symposium.add_round": FACILITATOR_OWNED,
    "symposium.remove_round": FACILITATOR_OWNED,
    "symposium.close_session": FACILITATOR_OWNED,
    "symposium.reopen_session": FACILITATOR_OWNED,
    "symposium.projector": FACILITATOR_OWNED,
    "symposium.session_progress_json": FACILITATOR_OWNED,
    "symposium.cohort": FACILITATOR_OWNED,
    "symposium.sharing": FACILITATOR_OWNED,
    "symposium.share": FACILITATOR_OWNED,
    "symposium.unshare": FACILITATOR_OWNED,
    "admin.facilitators": ADMIN_ONLY,
    "admin.new_password": ADMIN_ONLY,
    "admin.deactivate": ADMIN_ONLY,
    "admin.reactivate": ADMIN_ONLY,
}

# -- what each role gets ------------------------------------------------------------------

ROLES = ("anonymous", "respondent", "owner", "other", "admin")
FACILITATORS = ("owner", "other", "admin")

SERVED = "served"  # reached the view: 2xx, a redirect within the flow, or a form's 4xx
LOGIN = "login"  # 302 to /login?next=... (401 JSON under /api/)
HIDDEN = "404"  # as if it did not exist (docs/decisions/0002)
TO_JOIN = "to-join"  # 302 back to /join: no session joined in this browser

EXPECTED: dict[str, dict[str, str]] = {
    PUBLIC: dict.fromkeys(ROLES, SERVED),
    RESPONDENT_TOKEN: {**dict.fromkeys(ROLES, HIDDEN), "respondent": SERVED},
    SYMPOSIUM_JOINED: {**dict.fromkeys(ROLES, TO_JOIN), "respondent": SERVED},
    FACILITATOR_ANY: {
        "anonymous": LOGIN,
        "respondent": LOGIN,
        **dict.fromkeys(FACILITATORS, SERVED),
    },
    FACILITATOR_OWNED: {
        "anonymous": LOGIN,
        "respondent": LOGIN,
        "owner": SERVED,
        "other": HIDDEN,
        "admin": HIDDEN,  # an administrator manages accounts, not partnerships (0011)
    },
    ADMIN_ONLY: {
        "anonymous": LOGIN,
        "respondent": LOGIN,
        "owner": HIDDEN,
        "other": HIDDEN,
        "admin": SERVED,
    },
}


def outcome(response: Any) -> str:
    """What a response amounts to, in the terms of EXPECTED (or "5xx")."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status == 401:
        return LOGIN
    if status == 404:
        return HIDDEN
    if status in (301, 302, 303, 307, 308):
        target = path_of(response.headers.get("Location", ""))
        if target.startswith("/login?next="):
            return LOGIN
        if target == "/join":
            return TO_JOIN
    return SERVED


def expected(endpoint: str, role: str) -> str:
    return EXPECTED[POLICY[endpoint]][role]


def allowed_role(endpoint: str) -> str:
    """A role that gets through to the view (the respondent or owner where possible)."""
    for role in ("respondent", "owner", "admin", "anonymous"):
        if expected(endpoint, role) == SERVED:
            return role
    raise AssertionError(f"no role may use {endpoint}")


def unlisted(app: Flask) -> list[str]:
    """A message per route of the URL map that has no entry in POLICY."""
    return [
        f"Route {route.rule} ({route.endpoint}) has no access policy: add "
        f"{route.endpoint!r}: one of {sorted(EXPECTED)} to POLICY in tests/web/access_policy.py."
        for route in routes(app)
        if route.endpoint not in POLICY
    ]


# -- the scene the roles act in -----------------------------------------------------------

GUESSED = "not-a-real-link-0123456789abcdef"


@dataclass
class Scene:
    app: Flask
    clients: dict[str, FlaskClient]
    facilitators: dict[str, FacilitatorRec]
    args: dict[str, Any]  # real values of A's objects, by route argument
    respondent_args: dict[str, Any]  # the links only the respondent holds
    spare: FacilitatorRec  # an account the admin routes act on
    query: dict[str, dict[str, Any]] = field(default_factory=dict)  # by endpoint

    def url(self, route: Route, role: str) -> str:
        links = self.respondent_args if role == "respondent" else {}
        values = {**self.args, **dict.fromkeys(self.respondent_args, GUESSED), **links}
        names = missing_args(route, values)
        assert not names, (
            f"Route {route.rule} ({route.endpoint}) has argument(s) {names} that the security "
            "tests do not know: add a value to ``args`` in the scene fixture of "
            "tests/web/access_policy.py."
        )
        return route.url(values)

    def csrf(self, role: str) -> str:
        client = self.clients[role]
        if role in FACILITATORS:
            home = client.get("/")
            if home.status_code != 200:  # signed out by a test: sign in again
                post_form(
                    client,
                    "/login",
                    {
                        "email": self.facilitators[role].email,
                        "password": self.facilitators[role].password,
                    },
                )
                home = client.get("/")
            return csrf_from(home.get_data(as_text=True))
        return get_csrf(client, "/login")


@pytest.fixture
def scene(
    app: Flask,
    world: Any,
    make_facilitator: Callable[..., FacilitatorRec],
    make_partnership: Callable[..., Any],
    make_round: Callable[..., Any],
    make_session: Callable[..., Any],
    login: Callable[[FlaskClient, FacilitatorRec], FlaskClient],
) -> Scene:
    """A's partnership with an open round in a symposium session; a respondent who opened
    Police's link, started a response and joined the session; B with a partnership of their
    own; an administrator; and a spare account for the admin routes to act on."""
    from survey.store.database import db
    from survey.store.models import Facilitator

    admin = make_facilitator(email="admin@example.org")
    with app.app_context():
        db.session.get(Facilitator, admin.id).is_admin = True
        db.session.commit()
    spare = make_facilitator(email="spare@example.org")
    b_partnership = make_partnership(world.other, partners=["B Police", "B Housing"], name="B's")
    make_session(world.other, [make_round(b_partnership, name="B round")], "B forum")
    symposium = make_session(world.owner, [world.round])

    respondent = app.test_client()
    token = world.round.token("Police")
    resume = start_response(respondent, token)
    joined = post_form(respondent, "/join", {"code": symposium.code})
    assert joined.status_code == 302, joined.status_code

    facilitators = {"owner": world.owner, "other": world.other, "admin": admin}
    clients = {
        "anonymous": app.test_client(),
        "respondent": respondent,
        **{role: login(app.test_client(), rec) for role, rec in facilitators.items()},
    }
    args: Mapping[str, Any] = {
        "partnership_id": world.partnership.id,
        # Police: it has a response, so a delete request by its owner leaves it in place.
        "partner_id": world.partnership.partners["Police"],
        "round_id": world.round.id,
        # Housing's link, not the respondent's: the owner's reissue request revokes it.
        "invitation_id": world.round.invitations["Housing"].id,
        "session_id": symposium.id,
        "facilitator_id": spare.id,
        "number": 1,
        "lang": "fr",
        "version": plotly.__version__,
        "filename": "app.css",
    }
    return Scene(
        app=app,
        clients=clients,
        facilitators=facilitators,
        args=dict(args),
        respondent_args={"token": token, "resume": resume},
        spare=spare,
        query={"join.organisation": {"round": world.round.id}},
    )
