"""The authorization matrix: every route of the URL map, every method, every role, against
the one policy table in access_policy.py.

A route with no entry in the table fails here with the line to add. GETs run first, then the
POSTs (with each client's valid CSRF token and an otherwise empty form), the ones that change
what others see last, so that every request meets the same world.
"""

from __future__ import annotations

from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Facilitator, Invitation, Partner, Partnership, Round
from tests.web.access_policy import (
    ADMIN_ONLY,
    EXPECTED,
    FACILITATOR_OWNED,
    POLICY,
    ROLES,
    SERVED,
    Scene,
    expected,
    outcome,
    unlisted,
)
from tests.web.routes import routes

# Requests that change what later requests of the matrix meet: sent after all the others.
LAST = (
    "facilitate.close_round",
    "symposium.remove_round",
    "symposium.close_session",
    "symposium.reopen_session",
)


def test_every_route_has_an_access_policy(app):
    problems = unlisted(app)
    assert not problems, "\n".join(problems)


def test_the_policy_table_names_only_routes_that_exist(app):
    endpoints = {route.endpoint for route in routes(app)}
    stale = sorted(set(POLICY) - endpoints)
    assert not stale, f"POLICY in tests/web/access_policy.py lists routes that are gone: {stale}"
    assert set(POLICY.values()) <= set(EXPECTED)


def test_admin_routes_are_admin_only_and_admins_gain_no_partnership(app):
    """The two promises of docs/decisions/0011, read from the table itself."""
    for endpoint, policy in POLICY.items():
        assert endpoint.startswith("admin.") == (policy == ADMIN_ONLY), endpoint
    assert EXPECTED[FACILITATOR_OWNED]["admin"] == EXPECTED[FACILITATOR_OWNED]["other"]


def _requests(app):
    plan = [(route, method) for route in routes(app) for method in route.methods]
    gets = [(r, m) for r, m in plan if m == "GET"]
    changes = [(r, m) for r, m in plan if m != "GET" and r.endpoint not in LAST]
    last = sorted(
        ((r, m) for r, m in plan if m != "GET" and r.endpoint in LAST),
        key=lambda item: LAST.index(item[0].endpoint),
    )
    return gets + changes + last


def test_every_route_method_and_role_gets_what_the_policy_says(app, scene: Scene):
    problems = unlisted(app)
    assert not problems, "\n".join(problems)
    failures: list[str] = []
    checked = 0
    for route, method in _requests(app):
        for role in ROLES:
            client = scene.clients[role]
            url = scene.url(route, role)
            query = scene.query.get(route.endpoint, {})
            if method == "GET":
                response = client.get(url, query_string=query)
            else:
                token = scene.csrf(role)
                response = client.open(
                    url, method=method, query_string=query, data={"csrf_token": token}
                )
            response.close()
            got, want = outcome(response), expected(route.endpoint, role)
            checked += 1
            if got != want:
                failures.append(
                    f"{role:>10}: {method} {url} ({route.endpoint}, {POLICY[route.endpoint]}): "
                    f"expected {want}, got {got} ({response.status_code} "
                    f"{response.headers.get('Location', '')})"
                )
    assert not failures, f"{len(failures)} of {checked} requests broke the policy:\n" + "\n".join(
        failures
    )
    assert checked >= len(ROLES) * 60


def test_refused_requests_changed_nothing(app, scene: Scene):
    """Every role but the owner (and the admin on admin routes) posts to every route: A's
    partnership, its partners, round and links, and the spare account are as they were."""
    before = _snapshot(app, scene)
    for route in routes(app):
        for method in route.methods:
            if method == "GET":
                continue
            for role in ROLES:
                if expected(route.endpoint, role) == SERVED:
                    continue
                client = scene.clients[role]
                client.open(
                    scene.url(route, role),
                    method=method,
                    query_string=scene.query.get(route.endpoint, {}),
                    data={
                        "csrf_token": scene.csrf(role),
                        "name": "Taken over",
                        "status": "closed",
                        "email": "intruder@example.org",
                        "facilitator": scene.facilitators["other"].id,
                    },
                ).close()
    assert _snapshot(app, scene) == before


def _snapshot(app, scene: Scene) -> dict[str, object]:
    with app.app_context():
        return {
            "partnerships": db.session.execute(
                select(Partnership.id, Partnership.name).order_by(Partnership.id)
            ).all(),
            "partners": db.session.execute(
                select(Partner.id, Partner.name).order_by(Partner.id)
            ).all(),
            "rounds": db.session.execute(
                select(Round.id, Round.name, Round.status).order_by(Round.id)
            ).all(),
            "revoked": db.session.scalars(
                select(Invitation.id).where(Invitation.revoked_at.is_not(None))
            ).all(),
            "accounts": db.session.execute(
                select(
                    Facilitator.id, Facilitator.email, Facilitator.active, Facilitator.password_hash
                ).order_by(Facilitator.id)
            ).all(),
        }
