"""A facilitator sees only their own partnerships: every URL about another's answers 404.

The URLs come from app.url_map, so a route added later is checked without being listed here;
a route whose argument this file does not know fails, saying where to add it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Invitation, Partner, Partnership, Round, SymposiumSession
from tests.helpers import (
    INSTRUMENT,
    FacilitatorRec,
    PartnershipRec,
    RoundRec,
    SessionRec,
    get_csrf,
    path_of,
    start_response,
)
from tests.web.routes import OWNED_ID_ARGS, Route, missing_args, routes, unknown_arg_message

# Other (non-id) arguments an owned route may carry, with a value valid for any object.
# Add a line when a facilitator route gains a new kind of argument.
# facilitator_id: an account (A's own, the first made); those routes are the admin's, a 404
# for B like everything else of A's (docs/decisions/0011).
OTHER_ARGS: dict[str, int | str] = {"facilitator_id": 1}

# Form fields that would make most facilitator forms valid: a view that forgot its ownership
# check would then save, not just re-render the form.
PLAUSIBLE_FORM = {
    "name": "Taken over",
    "description": "",
    "min_group_size": "1",
    "sector": "",
    "role": "",
    "invited": "1",
    "instrument": INSTRUMENT,
    "status": "closed",
    "opens_on": "",
    "closes_on": "",
    "action": "save",
}


@dataclass
class Side:
    """One facilitator's objects, and the URL arguments that name them."""

    facilitator: FacilitatorRec
    partnership: PartnershipRec
    round: RoundRec
    session: SessionRec

    @property
    def ids(self) -> dict[str, int]:
        return {
            "partnership_id": self.partnership.id,
            "partner_id": next(iter(self.partnership.partners.values())),
            "round_id": self.round.id,
            "invitation_id": next(iter(self.round.invitations.values())).id,
            "session_id": self.session.id,
        }


@pytest.fixture
def sides(world, make_partnership, make_round, make_session) -> tuple[Side, Side]:
    """A's objects (from ``world``) and B's own, so that B's session is a real one; each
    facilitator also runs a symposium session holding their round."""
    b_partnership = make_partnership(world.other, partners=["B Police", "B Housing"], name="B's")
    b_round = make_round(b_partnership, name="B round")
    a = Side(world.owner, world.partnership, world.round, make_session(world.owner, [world.round]))
    b = Side(world.other, b_partnership, b_round, make_session(world.other, [b_round], "B forum"))
    return a, b


def owned_routes(app) -> list[Route]:
    owned = [route for route in routes(app) if route.owned]
    known = set(OWNED_ID_ARGS) | set(OTHER_ARGS)
    problems = [
        unknown_arg_message(route, missing_args(route, known), "OWNED_ID_ARGS or OTHER_ARGS")
        for route in owned
        if missing_args(route, known)
    ]
    assert not problems, "\n".join(problems)
    assert owned, "no facilitator routes found in app.url_map"
    return owned


def test_every_owned_route_argument_is_known(app):
    owned_routes(app)


def test_owned_routes_include_the_known_facilitator_pages(app):
    endpoints = {route.endpoint for route in owned_routes(app)}
    assert {
        "facilitate.partnership",
        "facilitate.edit_partnership",
        "facilitate.new_partner",
        "facilitate.edit_partner",
        "facilitate.delete_partner",
        "facilitate.new_round",
        "facilitate.round_page",
        "facilitate.edit_round",
        "facilitate.reissue_invitation",
        "facilitate.invitation_qr",
    } <= endpoints


def test_another_facilitator_gets_404_for_every_url(app, sides, login):
    a_side, b_side = sides
    a_ids = a_side.ids
    # Someone answered in A's round: the partner now has responses, the round has data.
    start_response(app.test_client(), a_side.round.token())

    b = login(app.test_client(), b_side.facilitator)
    b_csrf = get_csrf(b, "/")
    failures = []
    checked = 0
    for route in owned_routes(app):
        url = route.url({**OTHER_ARGS, **a_ids})
        for method in route.methods:
            if method == "GET":
                response = b.get(url)
            else:
                response = b.open(
                    url,
                    method=method,
                    data={**PLAUSIBLE_FORM, "csrf_token": b_csrf},
                    headers={"X-CSRFToken": b_csrf},
                )
            checked += 1
            if response.status_code != 404:
                failures.append(f"{method} {url} ({route.endpoint}): {response.status_code}")
    assert not failures, "B reached A's objects:\n" + "\n".join(failures)
    assert checked >= 12

    # Nothing of A's changed.
    with app.app_context():
        partnership = db.session.get(Partnership, a_ids["partnership_id"])
        assert partnership.name == a_side.partnership.name
        assert db.session.get(Partner, a_ids["partner_id"]) is not None
        assert db.session.get(Round, a_ids["round_id"]).status == "open"
        revoked = db.session.scalars(
            select(Invitation.id).where(
                Invitation.round_id == a_ids["round_id"], Invitation.revoked_at.is_not(None)
            )
        ).all()
        assert revoked == []
        assert db.session.scalar(select(Partner).where(Partner.name == "Taken over")) is None
        assert db.session.get(SymposiumSession, a_ids["session_id"]).status == "open"
        assert len(db.session.get(SymposiumSession, a_ids["session_id"]).rounds) == 1

    # The same URLs work for their owner (so the 404s above are about ownership).
    # (Administrators' pages about an account are not A's objects: the matrix covers them.)
    a = login(app.test_client(), a_side.facilitator)
    for route in owned_routes(app):
        if "GET" in route.methods and not route.endpoint.startswith("admin."):
            url = route.url({**OTHER_ARGS, **a_ids})
            response = a.get(url)
            assert response.status_code in (200, 302), (url, response.status_code)


def test_anonymous_visitors_are_sent_to_login(app, sides):
    ids = sides[0].ids
    anonymous = app.test_client()
    csrf = get_csrf(anonymous, "/login")
    for route in owned_routes(app):
        url = route.url({**OTHER_ARGS, **ids})
        for method in route.methods:
            if method == "GET":
                response = anonymous.get(url)
            else:
                response = anonymous.open(url, method=method, data={"csrf_token": csrf})
            if route.rule.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert path_of(response.headers["Location"]).startswith("/login"), url


def test_ids_in_the_query_string_are_checked_too(app, sides, login, make_round):
    """The comparison page takes round ids in ?a=&b=: another's rounds are ignored."""
    a_side, b_side = sides
    b_partnership = b_side.partnership
    make_round(b_partnership, name="B later")
    b = login(app.test_client(), b_side.facilitator)
    endpoints = {route.endpoint: route for route in routes(app)}
    compare = endpoints.get("dashboard.compare")
    if compare is None:
        pytest.skip("no comparison page")
    url = compare.url({"partnership_id": b_partnership.id})
    response = b.get(url, query_string={"a": a_side.round.id, "b": b_side.round.id})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "B round" in page
    assert "Spring check-in" not in page  # A's round, by name
