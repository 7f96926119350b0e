"""Property-based fuzzing: every form of the app, and the CSV parsers behind `survey score`
and the paper import, never answer with a 5xx (or an unexpected exception) whatever is typed.

Texts mix NUL characters, any Unicode except surrogates (which no browser can send as UTF-8),
huge strings, spreadsheet formula prefixes and HTML. 10,050 cases in all: 7,600 to the pure
parsers, 2,450 to the forms on SQLite (a quarter of that again on PostgreSQL, where NUL
characters and huge numbers are the classic 500s).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict

from survey.core.csv_input import check_responses, parse_partners
from survey.core.problems import InputError
from survey.core.scoring import PartnerInfo
from survey.store.paper_import import plan_import
from tests.helpers import INSTRUMENT, csrf_from, get_csrf, instrument, post_form, sections
from tests.helpers import start_response as start

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "|")
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "{{7*7}}",
    "{% raw %}{% endraw %}",
    "' OR '1'='1",
    "../../etc/passwd",
    "\u202eRTL\u202c",
    "\ufeff",
    "👩🏽‍🚒",
    "e\u0301",
    "%00",
    "",
    " ",
]

# Any character a browser can send: everything but the surrogates (NUL included).
plain = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
small_texts = st.one_of(
    plain,
    st.sampled_from(HOSTILE),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(FORMULA_PREFIXES), plain),
    st.builds(lambda a, b: f"{a}\x00{b}", plain, plain),
)
huge_texts = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["x", "é", "<", "\x00", "9", "👩"]),
    st.integers(min_value=201, max_value=6_000),
)
texts = st.one_of(small_texts, huge_texts)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["1e999", "NaN", "-0", "0x10", "1_000", "٣"]),
    texts,
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2027-02-30", "99999-01-01", "0000-00-00", "yesterday"]),
    texts,
)
checkbox = st.sampled_from(["y", "on", "", "false", "0", "\x00"])
fuzz = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def cases(backend: str, sqlite: int) -> int:
    """Examples for a form target: all on SQLite, a quarter on PostgreSQL."""
    return sqlite if backend == "sqlite" else max(10, sqlite // 4)


def form(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A strategy of form bodies: each field present or absent, with a fuzzed value."""
    return st.fixed_dictionaries({}, optional=fields)


def no_5xx(response: Any, what: str) -> int:
    response.close()
    assert response.status_code < 500, f"{what}: {response.status_code}"
    return response.status_code


# -- the forms ----------------------------------------------------------------------------


@pytest.fixture
def stage(app, world, make_facilitator, make_partnership, make_round, make_session, login):
    from survey.store.database import db
    from survey.store.models import Facilitator

    admin = make_facilitator(email="admin@example.org")
    with app.app_context():
        db.session.get(Facilitator, admin.id).is_admin = True
        db.session.commit()
    # Separate partnerships for the forms that add things, so that pages stay small.
    for_partners = make_partnership(world.owner, partners=["Only"], name="Partners here")
    for_rounds = make_partnership(world.owner, partners=["Only"], name="Rounds here")
    edited_round = make_round(for_rounds, name="Edited")
    symposium = make_session(world.owner, [world.round])
    respondent = app.test_client()
    resume = start(respondent, world.round.token("Police"))
    assert post_form(respondent, "/join", {"code": symposium.code}).status_code == 302
    owner = login(app.test_client(), world.owner)
    admin_client = login(app.test_client(), admin)
    anonymous = app.test_client()
    return {
        "world": world,
        "owner": (owner, csrf_from(owner.get("/").get_data(as_text=True))),
        "admin": (admin_client, csrf_from(admin_client.get("/").get_data(as_text=True))),
        "anonymous": (anonymous, get_csrf(anonymous, "/login")),
        "respondent": (respondent, get_csrf(respondent, f"/s/{resume}/1")),
        "resume": resume,
        "for_partners": for_partners,
        "for_rounds": for_rounds,
        "edited_round": edited_round,
    }


def poster(stage: dict[str, Any], who: str):
    client, token = stage[who]

    def post(url: str, body: dict[str, Any] | MultiDict, **kwargs: Any) -> int:
        data = MultiDict(body)
        data.setdefault("csrf_token", token)
        return no_5xx(client.post(url, data=data, **kwargs), f"{who} POST {url} {body!r:.300}")

    return post


def test_login_form(backend, stage):
    post = poster(stage, "anonymous")
    email = st.one_of(texts, st.just(stage["world"].owner.email))

    @settings(fuzz, max_examples=cases(backend, 300))
    @given(form(email=email, password=texts, remember=checkbox, next=texts))
    def run(body):
        post("/login", body)

    run()


def test_partnership_forms(backend, stage):
    post = poster(stage, "owner")
    partnership_id = stage["world"].partnership.id

    @settings(fuzz, max_examples=cases(backend, 300))
    @given(
        st.sampled_from(["/partnerships/new", f"/partnerships/{partnership_id}/edit"]),
        form(name=texts, description=texts, min_group_size=numbers),
    )
    def run(url, body):
        post(url, body)

    run()


def test_partner_form(backend, stage):
    post = poster(stage, "owner")
    partnership = stage["for_partners"]
    partner_id = partnership.partners["Only"]
    roles = st.one_of(st.sampled_from(["", "communication", "collaboration"]), texts)

    @settings(fuzz, max_examples=cases(backend, 300))
    @given(
        st.sampled_from(
            [f"/partnerships/{partnership.id}/partners/new", f"/partners/{partner_id}/edit"]
        ),
        form(
            name=texts,
            sector=texts,
            lead=checkbox,
            role=roles,
            invited=numbers,
            action=st.sampled_from(["save", "another", ""]),
        ),
    )
    def run(url, body):
        post(url, body)

    run()


def test_round_forms(backend, stage):
    post = poster(stage, "owner")
    new = f"/partnerships/{stage['for_rounds'].id}/rounds/new"
    edit = f"/rounds/{stage['edited_round'].id}/edit"

    @settings(fuzz, max_examples=cases(backend, 300))
    @given(
        st.sampled_from([new, edit]),
        form(
            name=texts,
            instrument=st.one_of(st.just(INSTRUMENT), texts),
            status=st.one_of(st.sampled_from(["draft", "open", "closed"]), texts),
            opens_on=dates,
            closes_on=dates,
        ),
    )
    def run(url, body):
        post(url, body)

    run()


def _page_fields(number: int) -> dict[str, st.SearchStrategy[Any]]:
    q = instrument()
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for question in sections()[number - 1]:
        valid = [str(o.value) for o in q.options_of(question)] + ["na"]
        value = st.one_of(st.sampled_from(valid), texts) if valid != ["na"] else texts
        fields[question.id] = st.one_of(value, st.lists(value, max_size=4))
    return fields


def test_respondent_page_saves(backend, stage):
    post = poster(stage, "respondent")
    resume = stage["resume"]
    last = len(sections())

    def body(fields: dict[str, Any]) -> MultiDict:
        pairs = []
        for name, value in fields.items():
            for one in value if isinstance(value, list) else [value]:
                pairs.append((name, one))
        return MultiDict(pairs)

    @settings(fuzz, max_examples=cases(backend, 500))
    @given(
        st.sampled_from([1, last]).flatmap(
            lambda number: st.tuples(
                st.just(number),
                form(
                    **_page_fields(number),
                    action=st.one_of(st.sampled_from(["next", "later", "back"]), texts),
                ),
            )
        )
    )
    def run(case):
        number, fields = case
        post(f"/s/{resume}/{number}", body(fields))

    run()


def test_join_forms(backend, stage):
    post = poster(stage, "respondent")
    world = stage["world"]
    partner_ids = [str(i) for i in world.partnership.partners.values()]

    @settings(fuzz, max_examples=cases(backend, 300))
    @given(
        st.one_of(
            st.tuples(st.just("/join"), form(code=texts)),
            st.tuples(
                st.just(f"/join/organisation?round={world.round.id}"),
                form(partner=st.one_of(st.sampled_from(partner_ids), numbers)),
            ),
        )
    )
    def run(case):
        url, body = case
        post(url, body)

    run()


def test_admin_and_sharing_forms(backend, stage):
    post_admin = poster(stage, "admin")
    post_owner = poster(stage, "owner")
    partnership_id = stage["world"].partnership.id
    emails = st.one_of(texts, st.emails().map(lambda e: e[:254]), st.just("other@example.org"))

    @settings(fuzz, max_examples=cases(backend, 200))
    @given(
        st.one_of(
            st.tuples(
                st.just("admin"),
                st.just("/admin/facilitators"),
                form(email=emails, name=texts, is_admin=checkbox),
            ),
            st.tuples(
                st.just("owner"),
                st.just(f"/partnerships/{partnership_id}/share"),
                form(email=emails),
            ),
            st.tuples(
                st.just("owner"),
                st.just(f"/partnerships/{partnership_id}/unshare"),
                form(facilitator=numbers),
            ),
        )
    )
    def run(case):
        who, url, body = case
        (post_admin if who == "admin" else post_owner)(url, body)

    run()


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


HEADER = ["respondent", "partner", *(q.id for q in instrument().questions())]
# Cells are short (a huge one is a whole file of its own below): thousands of cases stay fast.
cell = st.one_of(small_texts, st.sampled_from(["1", "3", "5", "na", "Police", "Housing", ""]))
csv_files = st.one_of(
    st.lists(st.lists(cell, max_size=len(HEADER) + 2), max_size=6).map(
        lambda rows: csv_text([HEADER, *rows])
    ),
    st.lists(st.lists(cell, max_size=8), max_size=6).map(csv_text),
    texts,
).map(lambda text: text.encode("utf-8", "surrogatepass"))
csv_bytes = st.one_of(csv_files, st.binary(max_size=2000))


def test_paper_import_upload(backend, stage):
    client, token = stage["owner"]
    url = f"/rounds/{stage['world'].round.id}/import"
    filenames = st.one_of(st.sampled_from(["answers.csv", "a.CSV", "x.exe", ""]), texts)

    @settings(fuzz, max_examples=cases(backend, 250))
    @given(csv_bytes, filenames)
    def run(content, filename):
        upload = FileStorage(io.BytesIO(content), filename=filename, content_type="text/csv")
        response = client.post(
            url, data={"csrf_token": token, "file": upload}, content_type="multipart/form-data"
        )
        no_5xx(response, f"import {filename!r:.60} {content!r:.200}")

    run()


# -- the CSV parsers (no app) -------------------------------------------------------------

PARTNERS = [
    PartnerInfo("Police", "", True, None, 3),
    PartnerInfo("Housing", "", False, "collaboration", None),
]


def _refused_or_parsed(call: Any) -> None:
    try:
        call()
    except InputError as error:
        assert error.problems, "an InputError says what is wrong"
        for problem in error.problems:
            assert str(problem)


@settings(fuzz, max_examples=2600)
@given(
    st.one_of(
        st.lists(st.lists(cell, max_size=6), max_size=6).map(
            lambda rows: csv_text([["partner", "sector", "lead", "role", "invited"], *rows])
        ),
        texts,
    ).map(lambda text: text.encode("utf-8")),
)
def test_partners_csv_parser(data):
    _refused_or_parsed(lambda: parse_partners(data))
    _refused_or_parsed(lambda: parse_partners(data.decode("utf-8")))


@settings(fuzz, max_examples=2500)
@given(csv_bytes)
def test_responses_csv_parser(data):
    _refused_or_parsed(lambda: check_responses(instrument(), PARTNERS, data))


@settings(fuzz, max_examples=2500)
@given(csv_bytes)
def test_paper_import_plan(data):
    _refused_or_parsed(lambda: plan_import(instrument(), PARTNERS, {}, data, "answers.csv"))
