"""Symposium sessions (issue 6): join by code, projector counts, cohort view, sharing."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from survey.core.symposium import (
    CODE_ALPHABET,
    cohort_scores,
    format_code,
    new_code,
    normalise_code,
)
from survey.store.database import db
from survey.store.models import Invitation, SessionRound, SymposiumSession
from tests.helpers import (
    complete_response,
    csrf_from,
    download_pack,
    get_csrf,
    path_of,
    post_form,
    start_response,
    text_of,
)

PARTNERSHIPS = {
    "Riverside Safety Table": ["Riverside Police", "Riverside Public Health", "Riverside Housing"],
    "Lakeshore Youth Network": ["Lakeshore School Board", "Lakeshore Youth Services"],
    "Northgate Community Forum": ["Northgate Tenants Association", "Northgate Mental Health"],
}
A, B, C = PARTNERSHIPS


# -- codes (no app) -----------------------------------------------------------------------


def test_codes_are_six_characters_nobody_can_misread():
    assert not set(CODE_ALPHABET) & set("0O1IL")
    codes = {new_code() for _ in range(2000)}
    assert len(codes) > 1990  # random, not a counter
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET), code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("km7q4r", "KM7Q4R"),
        ("KM7 Q4R", "KM7Q4R"),
        (" km7-q4r ", "KM7Q4R"),
        ("K-M-7-Q-4-R", "KM7Q4R"),
        ("KM7Q4", None),
        ("KM7Q4RR", None),
        ("KM7Q40", None),  # zero is never in a code
        ("KM7QOR", None),  # nor the letter O
        ("KM7Q\x00R", None),
        ("", None),
    ],
)
def test_typed_codes_ignore_case_spaces_and_dashes(typed, expected):
    assert normalise_code(typed) == expected


def test_format_code_splits_for_reading_aloud():
    assert format_code("KM7Q4R") == "KM7 Q4R"


def test_cohort_average_gives_each_partnership_one_voice_and_needs_three():
    reports = [
        {"partnership": {"scores": {"trust": 4.0, "goals": 2.0}}},
        {"partnership": {"scores": {"trust": 3.0, "goals": None}}},
        {"partnership": {"scores": {"trust": 2.0, "goals": 4.0}}},
    ]
    cohort = cohort_scores(reports, ["trust", "goals"])
    assert cohort["trust"] == {"mean": 3.0, "partnerships": 3}
    # Two scores: the mean would give each of the two the other's score.
    assert cohort["goals"] == {"mean": None, "partnerships": 2}


# -- the issue's scenario -----------------------------------------------------------------


@pytest.fixture
def symposium(make_facilitator, make_partnership, make_round):
    """A facilitator with two partnerships of their own and one shared by a colleague."""
    host = make_facilitator(email="host@example.org")
    colleague = make_facilitator(email="colleague@example.org")
    owners = {A: host, B: host, C: colleague}
    partnerships, rounds = {}, {}
    for name, partners in PARTNERSHIPS.items():
        partnerships[name] = make_partnership(owners[name], partners=partners, name=name)
        rounds[name] = make_round(partnerships[name], name=f"{name.split()[0]} round")
    return {
        "host": host,
        "colleague": colleague,
        "partnerships": partnerships,
        "rounds": rounds,
    }


def join(client, code: str, partnership: str, partner: str) -> str:
    """The participant's way in: code -> partnership -> organisation; returns /r/<token>."""
    form = client.get("/join")
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    typed = client.post("/join", data={"code": code, "csrf_token": csrf_from(text_of(form))})
    assert typed.status_code == 302, text_of(typed)[:800]
    assert path_of(typed.headers["Location"]) == "/join/partnership"
    page = text_of(client.get("/join/partnership"))
    link = re.search(
        r'<a href="(/join/organisation\?round=\d+)"><strong>' + re.escape(partnership), page
    )
    assert link, page
    organisations = client.get(link.group(1))
    page = text_of(organisations)
    assert partner in page
    value = re.search(r'value="(\d+)"[^>]*>\s*<label for="[^"]+">' + re.escape(partner) + "<", page)
    assert value, page
    chosen = client.post(
        link.group(1), data={"partner": value.group(1), "csrf_token": csrf_from(page)}
    )
    assert chosen.status_code == 302, text_of(chosen)[:800]
    return path_of(chosen.headers["Location"])


def add_round(client, session_id: int, round_id: int):
    return post_form(
        client,
        f"/sessions/{session_id}/rounds",
        {"round": str(round_id)},
        form_url=f"/sessions/{session_id}",
    )


def press(client, url: str, form_url: str):
    """A button that posts nothing but its CSRF token."""
    return client.post(url, data={"csrf_token": get_csrf(client, form_url)})


def test_three_partnerships_join_by_code_answer_and_see_the_cohort(
    app, symposium, login, new_client
):
    host = login(new_client(), symposium["host"])
    colleague = login(new_client(), symposium["colleague"])
    rounds = symposium["rounds"]
    partnerships = symposium["partnerships"]

    # The colleague shares the third partnership with the host, by email.
    shared = post_form(
        colleague,
        f"/partnerships/{partnerships[C].id}/share",
        {"email": "HOST@example.org "},
        form_url=f"/partnerships/{partnerships[C].id}/sharing",
    )
    assert shared.status_code == 302
    assert "host@example.org" in text_of(colleague.get(path_of(shared.headers["Location"])))

    # The host creates the session and adds the three open rounds.
    created = post_form(host, "/sessions", {"name": "Toronto symposium"})
    assert created.status_code == 302
    session_url = path_of(created.headers["Location"])
    session_id = int(session_url.rsplit("/", 1)[1])
    for name in PARTNERSHIPS:
        assert add_round(host, session_id, rounds[name].id).status_code == 302
    page = text_of(host.get(session_url))
    for name in PARTNERSHIPS:
        assert name in page
    with app.app_context():
        code = db.session.get(SymposiumSession, session_id).code
    assert format_code(code) in page

    # Participants join by code (typed loosely) and land on their partner's invitation link.
    typed = f" {code[:3].lower()}-{code[3:]} "
    joined = {
        (A, "Riverside Police"): 2,
        (A, "Riverside Housing"): 1,
        (B, "Lakeshore School Board"): 1,
        (C, "Northgate Mental Health"): 1,
    }
    for (partnership, partner), people in joined.items():
        for _person in range(people):
            participant = new_client()
            landing = join(participant, typed, partnership, partner)
            assert landing == f"/r/{rounds[partnership].token(partner)}"
            complete_response(participant, rounds[partnership].token(partner))
    # Someone started but has not submitted yet.
    start_response(new_client(), rounds[C].token("Northgate Tenants Association"))

    # The projector: counts per partnership and per partner, large type, refreshing itself.
    projector = host.get(f"/sessions/{session_id}/projector")
    assert projector.status_code == 200
    markup = projector.get_data(as_text=True)
    assert '<body class="projector">' in markup
    assert '<meta http-equiv="refresh" content="15">' in markup
    assert "projector.js" in markup
    assert format_code(code) in markup
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", markup) is None  # no inline script
    progress = host.get(f"/sessions/{session_id}/progress.json")
    assert progress.headers["Cache-Control"] == "no-store"
    data = progress.get_json()
    assert data["status"] == "open"
    assert data["totals"] == {"started": 6, "submitted": 5}
    by_round = {p["round"]: p for p in data["partnerships"]}
    assert (by_round[rounds[A].id]["started"], by_round[rounds[A].id]["submitted"]) == (3, 3)
    assert (by_round[rounds[C].id]["started"], by_round[rounds[C].id]["submitted"]) == (2, 1)
    police = partnerships[A].partners["Riverside Police"]
    assert {"partner": police, "started": 2, "submitted": 2} in by_round[rounds[A].id]["partners"]
    assert "Riverside" not in json.dumps(data)  # ids and numbers only

    # Before the session closes, the cohort view only says when it opens.
    early = host.get(f"/sessions/{session_id}/cohort/{rounds[A].id}")
    assert early.status_code == 200
    assert "opens when the session closes" in text_of(early)

    # Everyone in the room sees the three partnerships to choose from.
    choosing = new_client()
    post_form(choosing, "/join", {"code": code})
    page = text_of(choosing.get("/join/partnership"))
    assert all(name in page for name in PARTNERSHIPS)

    closed = press(host, f"/sessions/{session_id}/close", session_url)
    assert closed.status_code == 302

    # A closed session's code stops working, for newcomers and for people mid-way.
    late = new_client()
    refused = post_form(late, "/join", {"code": code})
    assert refused.status_code == 200
    assert "This session has ended" in text_of(refused)

    # The cohort view: A against the cohort's average, no other partnership named.
    cohort = host.get(f"/sessions/{session_id}/cohort/{rounds[A].id}")
    assert cohort.status_code == 200
    page = text_of(cohort)
    assert A in page
    assert "cohort" in page.lower()
    assert "Cohort average" in page
    others = [B, C, *PARTNERSHIPS[B], *PARTNERSHIPS[C], "Lakeshore", "Northgate"]
    for name in others:
        assert name not in page, name
    assert "Lakeshore round" not in page and "Northgate round" not in page
    figure = json.loads(
        re.search(
            r'<script type="application/json" id="figure-cohort">(.*?)</script>', page, re.S
        ).group(1)
    )
    names = [trace["name"] for trace in figure["data"]]
    assert "Cohort average" in names
    assert any(A in name for name in names)

    # The same for the shared partnership, seen by the session's host.
    shared_cohort = text_of(host.get(f"/sessions/{session_id}/cohort/{rounds[C].id}"))
    assert C in shared_cohort
    for name in [A, B, *PARTNERSHIPS[A], *PARTNERSHIPS[B]]:
        assert name not in shared_cohort, name

    # In French, the series is named in French.
    host.get("/language/fr")
    french = text_of(host.get(f"/sessions/{session_id}/cohort/{rounds[A].id}"))
    assert "Moyenne de la cohorte" in french


def test_a_participant_mid_way_is_stopped_when_the_session_closes(
    app, symposium, login, new_client, make_session
):
    session = make_session(symposium["host"], [symposium["rounds"][A]])
    participant = new_client()
    typed = post_form(participant, "/join", {"code": session.code})
    assert path_of(typed.headers["Location"]) == "/join/partnership"
    host = login(new_client(), symposium["host"])
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    after = participant.get("/join/partnership", follow_redirects=True)
    assert "This session has ended" in text_of(after)
    # Reopened, the same code works again.
    press(host, f"/sessions/{session.id}/reopen", f"/sessions/{session.id}")
    again = post_form(new_client(), "/join", {"code": session.code})
    assert path_of(again.headers["Location"]) == "/join/partnership"


def test_unknown_and_malformed_codes_are_form_errors(client):
    for typed in ("ZZZZZZ", "nope", "0O1IL0", "", "x" * 39):
        response = post_form(client, "/join", {"code": typed})
        assert response.status_code == 200, typed
        page = text_of(response)
        assert "There is a problem" in page, typed
    assert client.get("/join/partnership").status_code == 302
    assert path_of(client.get("/join/organisation?round=1").headers["Location"]) == "/join"


def test_join_link_prefills_the_code(client, symposium, make_session):
    session = make_session(symposium["host"], [symposium["rounds"][A]])
    page = text_of(client.get(f"/join?code={session.code}"))
    assert f'value="{session.code}"' in page


def test_only_the_sessions_partnerships_and_open_rounds_are_offered(
    app, symposium, make_session, make_round, new_client
):
    draft = make_round(symposium["partnerships"][B], status="closed", name="Closed round")
    session = make_session(symposium["host"], [symposium["rounds"][A], draft])
    participant = new_client()
    post_form(participant, "/join", {"code": session.code})
    page = text_of(participant.get("/join/partnership"))
    assert A in page and B not in page
    # A round of the session that takes no answers, or one of another session: back to the list.
    for round_id in (draft.id, symposium["rounds"][C].id, 2**40):
        response = participant.get(f"/join/organisation?round={round_id}")
        assert path_of(response.headers["Location"]) == "/join/partnership"


def test_joining_a_partner_without_a_link_issues_one(app, symposium, make_session, new_client):
    rounds = symposium["rounds"]
    partner_id = symposium["partnerships"][A].partners["Riverside Housing"]
    with app.app_context():
        for invitation in db.session.scalars(
            select(Invitation).where(
                Invitation.round_id == rounds[A].id, Invitation.partner_id == partner_id
            )
        ):
            db.session.delete(invitation)
        db.session.commit()
    session = make_session(symposium["host"], [rounds[A]])
    landing = join(new_client(), session.code, A, "Riverside Housing")
    with app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(
                Invitation.round_id == rounds[A].id, Invitation.partner_id == partner_id
            )
        )
        assert landing == f"/r/{invitation.token}"


def test_code_guessing_is_rate_limited(make_app, make_facilitator):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = get_csrf(client, "/join")
    statuses = [
        client.post("/join", data={"code": f"ZZZZ{a}{b}", "csrf_token": token}).status_code
        for a, b in zip("ABCDEFGHJKMNPQRSTUVW", "23456789ABCDEFGHJKMN", strict=True)
    ]
    assert statuses[:20] == [200] * 20
    blocked = client.post("/join", data={"code": "ZZZZZZ", "csrf_token": token})
    assert blocked.status_code == 429
    assert "Too many tries" in text_of(blocked)


def test_a_full_room_behind_one_address_is_not_rate_limited(
    make_app, make_facilitator, make_session
):
    """Only failed tries count: 60 people on the venue's Wi-Fi all get in."""
    code = make_session(make_facilitator()).code
    app = make_app(RATELIMIT_ENABLED=True)
    for _person in range(60):
        client = app.test_client()
        response = client.post(
            "/join", data={"code": code, "csrf_token": get_csrf(client, "/join")}
        )
        assert response.status_code == 302


def test_the_closed_session_hands_out_its_symposium_pack_in_one_click(
    app, symposium, login, new_client, make_session, worker
):
    """The button posts the session's rounds to the PDF pack: the host's own partnerships'
    reports; a shared partnership's full report stays with its own facilitator."""
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A], rounds[B], rounds[C]], "Toronto")
    complete_response(new_client(), rounds[A].token("Riverside Police"))
    host = login(new_client(), symposium["host"])
    assert "symposium pack" not in text_of(host.get(f"/sessions/{session.id}"))
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    page = host.get(f"/sessions/{session.id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/symposium-pack"[^>]*>(.*?)</form>', page, re.S)
    assert form, page
    fields = re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', form.group(1))
    assert [v for k, v in fields if k == "round"] == [str(rounds[A].id), str(rounds[B].id)]
    assert "shared with you gets its report from its own facilitator" in html.unescape(page)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    response = host.post("/symposium-pack", data=data)
    names = zipfile.ZipFile(io.BytesIO(download_pack(host, response))).namelist()
    assert len(names) == 3  # two reports and the index
    assert any("riverside" in n for n in names) and any("lakeshore" in n for n in names)
    assert not any("northgate" in n for n in names)


# -- who may see what ---------------------------------------------------------------------


def symposium_urls(session_id: int, round_id: int, partnership_id: int) -> list[tuple[str, str]]:
    base = f"/sessions/{session_id}"
    return [
        ("GET", base),
        ("GET", f"{base}/projector"),
        ("GET", f"{base}/progress.json"),
        ("GET", f"{base}/cohort/{round_id}"),
        ("POST", f"{base}/rounds"),
        ("POST", f"{base}/rounds/{round_id}/remove"),
        ("POST", f"{base}/close"),
        ("POST", f"{base}/reopen"),
        ("GET", f"/partnerships/{partnership_id}/sharing"),
        ("POST", f"/partnerships/{partnership_id}/share"),
        ("POST", f"/partnerships/{partnership_id}/unshare"),
    ]


def test_another_facilitator_gets_404_on_every_session_route(
    app, symposium, make_session, login, new_client
):
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A], rounds[B]], "Toronto symposium")
    host = login(new_client(), symposium["host"])
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    other = login(new_client(), symposium["colleague"])
    token = get_csrf(other, "/sessions")
    form = {
        "csrf_token": token,
        "round": str(rounds[C].id),
        "email": "colleague@example.org",
        "facilitator": str(symposium["host"].id),
        "name": "Taken over",
    }
    for method, url in symposium_urls(session.id, rounds[A].id, symposium["partnerships"][A].id):
        response = other.get(url) if method == "GET" else other.post(url, data=form)
        assert response.status_code == 404, (method, url, response.status_code)
    with app.app_context():
        stored = db.session.get(SymposiumSession, session.id)
        assert (stored.status, stored.name) == ("closed", "Toronto symposium")
        assert len(stored.session_rounds) == 2


def test_sharing_lets_the_grantee_add_open_rounds_and_nothing_else(
    app, symposium, login, new_client, make_round, make_session
):
    colleague = login(new_client(), symposium["colleague"])
    host = login(new_client(), symposium["host"])
    c = symposium["partnerships"][C]
    c_round = symposium["rounds"][C]
    draft = make_round(c, status="draft", name="Draft round")
    session = make_session(symposium["host"], [])

    # Not shared yet: the host cannot add the colleague's round.
    page = text_of(host.get(f"/sessions/{session.id}"))
    assert C not in page
    assert add_round(host, session.id, c_round.id).status_code == 422

    post_form(
        colleague,
        f"/partnerships/{c.id}/share",
        {"email": "host@example.org"},
        form_url=f"/partnerships/{c.id}/sharing",
    )
    page = text_of(host.get(f"/sessions/{session.id}"))
    assert f"{C} · Northgate round" in page
    assert "Draft round" not in page  # open rounds only
    assert add_round(host, session.id, draft.id).status_code == 422
    assert add_round(host, session.id, c_round.id).status_code == 302
    # One round per partnership: the partnership is no longer offered.
    assert add_round(host, session.id, c_round.id).status_code == 422
    assert C in text_of(host.get(f"/sessions/{session.id}/projector"))

    # Everything else about the partnership stays the colleague's.
    for url in (
        f"/partnerships/{c.id}",
        f"/partnerships/{c.id}/edit",
        f"/partnerships/{c.id}/sharing",
        f"/rounds/{c_round.id}",
        f"/rounds/{c_round.id}/dashboard",
        f"/rounds/{c_round.id}/progress.json",
        f"/partners/{next(iter(c.partners.values()))}/edit",
        f"/invitations/{c_round.invitations['Northgate Mental Health'].id}/qr.svg",
    ):
        assert host.get(url).status_code == 404, url
    refused = post_form(
        host, f"/partnerships/{c.id}/share", {"email": "host@example.org"}, form_url="/sessions"
    )
    assert refused.status_code == 404

    # Stopping the share takes the round out of the host's session.
    unshared = post_form(
        colleague,
        f"/partnerships/{c.id}/unshare",
        {"facilitator": str(symposium["host"].id)},
        form_url=f"/partnerships/{c.id}/sharing",
    )
    assert unshared.status_code == 302
    with app.app_context():
        left = db.session.scalars(
            select(SessionRound.round_id).where(SessionRound.session_id == session.id)
        ).all()
        assert left == []
    assert add_round(host, session.id, c_round.id).status_code == 422


def test_sharing_with_unknown_or_own_email_is_refused(symposium, login, new_client):
    colleague = login(new_client(), symposium["colleague"])
    c = symposium["partnerships"][C]
    for email, message in (
        ("nobody@example.org", "No facilitator account uses that email"),
        ("colleague@example.org", "That is you"),
        ("not an email", "Enter an email address"),
    ):
        response = post_form(
            colleague,
            f"/partnerships/{c.id}/share",
            {"email": email},
            form_url=f"/partnerships/{c.id}/sharing",
        )
        assert response.status_code == 422
        assert message in text_of(response)


def test_cohort_needs_three_partnerships_with_answers(symposium, login, new_client, make_session):
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A], rounds[B]])
    complete_response(new_client(), rounds[A].token("Riverside Police"))
    complete_response(new_client(), rounds[B].token("Lakeshore School Board"))
    host = login(new_client(), symposium["host"])
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    page = text_of(host.get(f"/sessions/{session.id}/cohort/{rounds[A].id}"))
    assert "at least 3 partnerships" in page
    assert 'id="figure-cohort"' not in page
    assert B not in page
    # A round that is not in the session: 404, even the host's own.
    assert host.get(f"/sessions/{session.id}/cohort/{rounds[C].id}").status_code == 404


def test_sessions_list_and_create(client, symposium, login):
    login(client, symposium["host"])
    assert "No sessions yet" in text_of(client.get("/sessions"))
    empty = post_form(client, "/sessions", {"name": "  "})
    assert empty.status_code == 200 and "There is a problem" in text_of(empty)
    created = post_form(client, "/sessions", {"name": "Morning workshop"})
    page = text_of(client.get(path_of(created.headers["Location"])))
    assert "Morning workshop" in page
    assert "No partnerships yet" in page
    listing = text_of(client.get("/sessions"))
    assert "Morning workshop" in listing
    assert "Symposium sessions" in text_of(client.get("/"))


# -- the migration ------------------------------------------------------------------------

SYMPOSIUM_TABLES = {"symposium_session", "session_round", "partnership_share"}


@pytest.mark.usefixtures("keep_logging")
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migrations_build_exactly_the_models_schema(make_app):
    """`survey db upgrade` on a fresh database gives the schema the models describe (alembic
    finds nothing to autogenerate), and b1_symposium downgrades to the paper-import schema."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert (
                context.get_current_revision() == "e1_roster"
            )  # the head (the roster, decision 0019)
            assert compare_metadata(context, db.metadata) == []
        assert set(inspect(db.engine).get_table_names()) >= SYMPOSIUM_TABLES
        db.session.remove()
        downgrade(revision="a1_paper_import")
        assert not set(inspect(db.engine).get_table_names()) & SYMPOSIUM_TABLES


# -- issue 15, item 16 --------------------------------------------------------------------


def test_closing_says_the_cohort_views_need_three_partnerships(
    symposium, login, new_client, make_session
):
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A], rounds[B]])
    complete_response(new_client(), rounds[A].token("Riverside Police"))
    complete_response(new_client(), rounds[B].token("Lakeshore School Board"))
    host = login(new_client(), symposium["host"])
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    page = text_of(host.get(f"/sessions/{session.id}"))
    assert "The cohort views are ready" not in page
    assert "The cohort views need at least 3 partnerships with submitted answers" in page
    assert "this session has 2." in page


def test_closing_with_three_answering_partnerships_says_the_views_are_ready(
    symposium, login, new_client, make_session
):
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A], rounds[B], rounds[C]])
    for name, partner in ((A, "Riverside Police"), (B, "Lakeshore School Board"), (C, None)):
        complete_response(new_client(), rounds[name].token(partner))
    host = login(new_client(), symposium["host"])
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    assert "The cohort views are ready." in text_of(host.get(f"/sessions/{session.id}"))


def test_the_projector_of_a_closed_session_shows_nobody_answering(
    symposium, login, new_client, make_session
):
    rounds = symposium["rounds"]
    session = make_session(symposium["host"], [rounds[A]])
    start_response(new_client(), rounds[A].token("Riverside Police"))  # started, never sent
    host = login(new_client(), symposium["host"])
    assert "answering now" in text_of(host.get(f"/sessions/{session.id}/projector"))
    press(host, f"/sessions/{session.id}/close", f"/sessions/{session.id}")
    page = text_of(host.get(f"/sessions/{session.id}/projector"))
    assert "answering now" not in page.lower()
    assert "1</span> started, not submitted" in page
    assert "Not submitted" in page


def test_the_symposium_pack_is_linked_from_the_sessions_and_home_pages(client, symposium, login):
    login(client, symposium["host"])
    for url in ("/sessions", "/"):
        assert 'href="/symposium-pack"' in client.get(url).get_data(as_text=True), url
