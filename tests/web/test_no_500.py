"""No input produces a 500: every route, as anyone, with real and garbage arguments and bodies.

Routes come from app.url_map. An argument name this file does not know fails the test with a
message saying to add it to SAMPLES, so that a new route cannot be forgotten.
"""

from __future__ import annotations

import plotly
import pytest
from werkzeug.datastructures import MultiDict

from survey.store.database import db
from survey.store.jobs import new_job
from survey.store.models import Invitation, Response, utcnow
from tests.helpers import (
    INSTRUMENT,
    complete_response,
    csrf_from,
    get_csrf,
    page_answers,
    save_page,
    sections,
    start_response,
    stored_answers,
)
from tests.web.routes import Route, combinations, missing_args, routes, unknown_arg_message

HUGE_INT = 10**30
GARBAGE_IDS = [0, 999_999, 2**31, 2**63, HUGE_INT]
GARBAGE_STRINGS = [
    "x",
    "a" * 2000,
    "\x00",
    "nul\x00byte",
    "é✓👩🏽‍🚒",
    "../../etc/passwd",
    " ",
    "%00",
    "\u202etxt",
    "' OR '1'='1",
]

# Garbage values per rule argument, on top of the real ones of the world below. A new
# argument name in a route must get a line here (and a real value in ``real_args``).
SAMPLES: dict[str, list] = {
    "partnership_id": GARBAGE_IDS,
    "partner_id": GARBAGE_IDS,
    "round_id": GARBAGE_IDS,
    "invitation_id": GARBAGE_IDS,
    "session_id": GARBAGE_IDS,
    "facilitator_id": GARBAGE_IDS,
    "token": GARBAGE_STRINGS,
    "resume": GARBAGE_STRINGS,
    "number": [0, 9, 99, 2**63, HUGE_INT],
    "lang": ["xx", "EN", "fr-CA", "\x00", "é"],
    "version": ["0.0.0", "x", "\x00"],
    "filename": ["nope.css", "../../pyproject.toml", "app.css\x00.js", "%2e%2e/x"],
    "public_id": [*GARBAGE_STRINGS, "0" * 32, "g" * 32],
    "personal": GARBAGE_STRINGS,
    "unsubscribe": GARBAGE_STRINGS,
}

# Query strings the views read (lang, page, to, dimension, a, b, round, code...), with values
# they do not expect. NUL characters are tried separately: the app refuses them up front.
GARBAGE_QUERY = {
    "lang": "é\u202e",
    "next": "//evil.com",
    "page": "-1",
    "to": "../../",
    "dimension": "zzz",
    "a": "abc",
    "b": str(HUGE_INT),
    "round": str(2**63),
    "partner": "x",
    "code": "' OR 1=1 --",
    "format": "exe",
}
NUL_QUERY = {"lang": "\x00", "next": "/\x00//evil.com"}
# Control characters in a redirect target would split the Location header; Unicode digits
# pass str.isdigit() but not int() (issue 15).
CONTROL_QUERY = {"next": "/\r\nX:y", "round": "\u00b2", "a": "\u00b2", "page": "\u00b2"}

FIELDS = [
    "email",
    "password",
    "remember",
    "name",
    "description",
    "min_group_size",
    "sector",
    "lead",
    "role",
    "invited",
    "instrument",
    "opens_on",
    "closes_on",
    "status",
    "lang",
    "action",
    "code",
    "partner",
    "round",
]


# Routes after which the client must sign in again to go on as a facilitator.
SIGNING_OUT = ("auth.logout", "auth.sign_out_everywhere")


def question_ids() -> list[str]:
    return [q.id for section in sections() for q in section[:2]] + ["partner_role", "what_works"]


def malformed_bodies() -> list[tuple[str, MultiDict]]:
    everything = FIELDS + question_ids()
    return [
        ("empty", MultiDict()),
        ("huge", MultiDict({f: "x" * 5001 for f in everything})),  # over every max length
        ("nul", MultiDict({f: "a\x00b" for f in everything})),
        (
            "unicode",
            MultiDict({f: "👩🏽‍🚒 \u202eRTL\u202c e\u0301 𝔘𝔫𝔦 \ufeff" for f in everything}),
        ),
        ("lists", MultiDict([(f, v) for f in everything for v in ("1", "2", "open")])),
        (
            "types",
            MultiDict(
                {
                    "email": "not-an-email",
                    "password": "",
                    "remember": "maybe",
                    "name": "",
                    "min_group_size": "1e999",
                    "invited": "-0",
                    "lead": "perhaps",
                    "role": "overlord",
                    "instrument": "../questionnaires/partnership-health.yaml",
                    "opens_on": "2027-02-30",
                    "closes_on": "yesterday",
                    "status": "archived",
                    "lang": "../../",
                    "action": "delete",
                    **{q: "7" for q in question_ids()},
                }
            ),
        ),
        (
            "numbers",
            MultiDict(
                {
                    "min_group_size": str(HUGE_INT),
                    "invited": str(2**63),
                    "opens_on": "99999-01-01",
                    "closes_on": "0000-00-00",
                    **{q: str(HUGE_INT) for q in question_ids()},
                }
            ),
        ),
        (
            # Ids that str.isdigit() accepts and int() refuses, or that overflow the column.
            "digits",
            MultiDict(
                [
                    ("round", "\u00b2"),
                    ("round", "99999999999999999999"),
                    ("facilitator", "\u00b2"),
                    ("facilitator", "99999999999999999999"),
                    ("partner", "\u0663"),
                ]
            ),
        ),
        (
            "valid",
            MultiDict(
                {
                    "name": "Valid name",
                    "min_group_size": "1",
                    "instrument": INSTRUMENT,
                    "status": "open",
                    "lang": "fr",
                    **page_answers(1),
                }
            ),
        ),
    ]


@pytest.fixture
def scene(
    app,
    world,
    make_partnership,
    make_round,
    make_session,
    login,
    make_representative,
    personal_links,
):
    """A's world with a started, a submitted and a paper response; clients for everyone."""
    token = world.round.token("Police")
    respondent = app.test_client()
    started = start_response(respondent, token)
    save_page(respondent, started, 1, page_answers(1))
    submitted = complete_response(app.test_client(), world.round.token("Housing"))
    with app.app_context():
        paper = Response(
            round_id=world.round.id,
            partner_id=world.partnership.partners["Police"],
            source="paper",
            label="P1",
        )
        db.session.add(paper)
        revoked = Invitation(
            round_id=world.round.id,
            partner_id=world.partnership.partners["Housing"],
            revoked_at=utcnow(),
        )
        db.session.add(revoked)
        db.session.commit()
        paper_token, revoked_token = paper.resume_token, revoked.token
        # A pack still queued (no worker here): its page, state and (missing) download.
        pack = new_job(world.owner.id, "pack", {"rounds": [world.round.id]}, total=2).public_id
    representative = make_representative(world.partnership.partners["Police"], "r@example.org")
    personal = personal_links(world.round.id)["r@example.org"]
    b_partnership = make_partnership(world.other, partners=["B"], name="B's")
    make_session(world.other, [make_round(b_partnership, name="B round")])
    symposium = make_session(world.owner, [world.round])
    owner = login(app.test_client(), world.owner)
    other = login(app.test_client(), world.other)
    return {
        "world": world,
        "clients": {
            "anonymous": app.test_client(),
            "owner": owner,
            "other": other,
            "respondent": respondent,
        },
        "real": {
            "partnership_id": world.partnership.id,
            "partner_id": world.partnership.partners["Police"],
            "round_id": world.round.id,
            "invitation_id": world.round.invitations["Police"].id,
            "session_id": symposium.id,
            "facilitator_id": world.other.id,
            "token": token,
            "resume": started,
            "number": 1,
            "lang": "fr",
            "version": plotly.__version__,
            "filename": "app.css",
            "public_id": pack,
            "personal": personal,
            "unsubscribe": representative.unsubscribe,
        },
        "extra_tokens": [revoked_token],
        "extra_resumes": [submitted, paper_token],
    }


def checked_routes(app) -> list[Route]:
    found = routes(app)
    problems = [
        unknown_arg_message(route, missing_args(route, SAMPLES), "SAMPLES in test_no_500.py")
        for route in found
        if missing_args(route, SAMPLES)
    ]
    assert not problems, "\n".join(problems)
    return found


def _assert_no_500(response, method: str, url: str, who: str, failures: list[str]) -> None:
    response.close()  # static files stay open until closed
    if response.status_code >= 500:
        failures.append(f"{who}: {method} {url!r} -> {response.status_code}")


def test_every_get_route_never_500s(app, scene):
    samples = {
        **SAMPLES,
        "token": SAMPLES["token"] + scene["extra_tokens"],
        "resume": SAMPLES["resume"] + scene["extra_resumes"],
    }
    failures: list[str] = []
    requests = 0
    for route in checked_routes(app):
        if "GET" not in route.methods:
            continue
        for values in combinations(route, scene["real"], samples):
            url = route.url(values)
            for who, client in scene["clients"].items():
                response = client.get(url)
                requests += 1
                _assert_no_500(response, "GET", url, who, failures)
                real = values == {a.name: scene["real"][a.name] for a in route.args}
                if real and who in ("owner", "respondent"):
                    for query in (GARBAGE_QUERY, NUL_QUERY, CONTROL_QUERY):
                        garbage = client.get(url, query_string=query)
                        _assert_no_500(garbage, "GET", f"{url}?{query}", who, failures)
    assert not failures, "\n".join(failures)
    assert requests > 100


def test_malformed_posts_never_500(app, scene, login):
    failures: list[str] = []
    world = scene["world"]
    bodies = malformed_bodies()
    for route in checked_routes(app):
        posting = [m for m in route.methods if m != "GET"]
        if not posting:
            continue
        everyone = ("anonymous", "owner", "other", "respondent")
        values_list = [({a.name: scene["real"][a.name] for a in route.args}, everyone)]
        if route.args:  # all garbage
            values_list.append(({a.name: SAMPLES[a.name][-1] for a in route.args}, ("owner",)))
        for values, people in values_list:
            url = route.url(values)
            for who in people:
                client = scene["clients"][who]
                csrf = (
                    get_csrf(client, "/login")
                    if who in ("anonymous", "respondent")
                    else csrf_from(client.get("/").get_data(as_text=True))
                )
                for name, body in bodies:
                    for method in posting:
                        for with_csrf in (True, False) if name in ("empty", "nul") else (True,):
                            data = MultiDict(body)
                            if with_csrf:
                                data["csrf_token"] = csrf
                            response = client.open(url, method=method, data=data)
                            _assert_no_500(response, method, f"{url} [{name}]", who, failures)
                    facilitator = {"owner": world.owner, "other": world.other}.get(who)
                    signed_out = route.endpoint in SIGNING_OUT and facilitator is not None
                    if signed_out and client.get("/").status_code != 200:  # as it was asked to
                        login(client, facilitator)
    assert not failures, "\n".join(failures)


def test_raw_and_odd_bodies_never_500(app, scene):
    client = scene["clients"]["respondent"]
    resume = scene["real"]["resume"]
    url = f"/s/{resume}/1"
    csrf = get_csrf(client, url)
    odd = [
        (
            "application/x-www-form-urlencoded",
            b"csrf_token=" + csrf.encode() + b"&trust_commitments=%FF%FE%00",
        ),
        ("application/x-www-form-urlencoded", b"csrf_token=" + csrf.encode() + b"&%ZZ=%&&=="),
        ("application/json", b'{"csrf_token": "' + csrf.encode() + b'", "trust_commitments": 4}'),
        ("application/json", b"{not json"),
        ("multipart/form-data; boundary=zzz", b"--zzz\r\nbroken"),
        ("text/plain", b"\x00\x01\x02"),
    ]
    failures: list[str] = []
    for content_type, body in odd:
        response = client.post(url, data=body, content_type=content_type)
        _assert_no_500(response, "POST", f"{url} [{content_type}]", "respondent", failures)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", "/language/en?next=/%0d%0aX:y", None),
        ("GET", "/language/en?next=/%09/evil.example", None),
        ("GET", "/language/en?next=/%5Cevil.example", None),
        ("POST", "/symposium-pack", {"round": "99999999999999999999"}),
        ("POST", "/symposium-pack", {"round": "\u00b2"}),
        ("POST", "/symposium-pack", {"round": "\u0663"}),
    ],
)
def test_issue_15_inputs_are_refused_not_500(app, scene, method, url, data):
    """The inputs of issue 15, item 6: a redirect home or a 400, never a 500."""
    client = scene["clients"]["owner"]
    if data is not None:
        data = {**data, "csrf_token": get_csrf(client, "/symposium-pack")}
    response = client.open(url, method=method, data=data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"] == "/", response.headers["Location"]


def test_body_over_the_size_limit_is_413(app, scene):
    client = scene["clients"]["respondent"]
    resume = scene["real"]["resume"]
    url = f"/s/{resume}/1"
    csrf = get_csrf(client, url)
    response = client.post(url, data={"csrf_token": csrf, "what_works": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_nul_characters_in_otherwise_valid_forms(app, scene):
    """PostgreSQL cannot store text with NUL: a 4xx on every backend, and nothing saved."""
    from survey.store.models import Partner, Partnership

    world = scene["world"]
    owner = scene["clients"]["owner"]
    respondent = scene["clients"]["respondent"]
    resume = scene["real"]["resume"]
    last = len(sections())
    cases = [
        (
            owner,
            f"/partnerships/{world.partnership.id}/edit",
            {"name": "Nul\x00name", "description": "", "min_group_size": "1"},
        ),
        (owner, "/partnerships/new", {"name": "Nul\x00name", "min_group_size": "1"}),
        (owner, f"/partnerships/{world.partnership.id}/partners/new", {"name": "Nul\x00partner"}),
        (
            owner,
            f"/rounds/{world.round.id}/edit",
            {"name": "Nul\x00round", "status": "open", "opens_on": "", "closes_on": ""},
        ),
        (
            respondent,
            f"/s/{resume}/{last}",
            {**page_answers(last), "what_works": "Works\x00well", "action": "next"},
        ),
        (
            scene["clients"]["anonymous"],
            "/login",
            {"email": "owner@example.org\x00", "password": world.owner.password},
        ),
    ]
    for client, url, data in cases:
        response = client.post(url, data={**data, "csrf_token": get_csrf(client, url)})
        assert 400 <= response.status_code < 500, (url, response.status_code)
    with app.app_context():
        names = db.session.scalars(db.select(Partnership.name)).all()
        names += db.session.scalars(db.select(Partner.name)).all()
    assert not any("\x00" in name for name in names)
    assert "what_works" not in stored_answers(app, resume)
