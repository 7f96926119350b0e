"""An instrument whose every text is an attack (tests/fixtures/hostile.yaml), in a partnership
whose names are attacks too, answered with attacks: every page of the URL map shows them as
text, the exports neutralise formulas, and the PDFs print them literally and fetch nothing.

Complements the narrower checks of names (test_facilitate, test_dashboard), export payloads
(test_exports) and the PDF renderer (tests/test_reports.py) with the whole app at once.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from werkzeug.datastructures import MultiDict

import reports.pdf
from survey.core.questionnaire import load_questionnaire
from tests.helpers import csrf_from, get_csrf, path_of, post_form, start_response
from tests.web.access_policy import GUESSED, allowed_role
from tests.web.routes import missing_args, routes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile.yaml"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example","x")'
TEMPLATE = "{{7*7}}"
# What must never appear raw in HTML: the markup the attacks would inject.
INJECTED = ("<script>alert", "<img src=x", "onerror=alert(1)>")
PARTNERS = [SCRIPT, IMG, FORMULA, TEMPLATE]
EVALUATED = re.compile(
    r"\b49 (?:p1|power|pouvoir|pick|choix|section|intro|many|plusieurs|4|collaboration)\b"
    r"|&lt;Config |<Config "
)


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, Any]:
    questionnaires = tmp_path / "questionnaires"
    questionnaires.mkdir()
    shutil.copy(FIXTURE, questionnaires / "hostile.yaml")
    return {"QUESTIONNAIRES_DIR": str(questionnaires)}


def test_the_hostile_instrument_validates():
    q = load_questionnaire(FIXTURE)
    assert q.id == "hostile" and str(q.version) == TEMPLATE
    texts = [q.text(q.title), *(q.text(question.text) for question in q.questions())]
    assert all(any(a in t for a in (SCRIPT, IMG, "=HYPERLINK", TEMPLATE)) for t in texts), texts


def answers(page: int) -> MultiDict:
    if page == 1:
        return MultiDict({"t1": "1", "t2": "5", "p1": "3"})
    return MultiDict(
        [
            ("partner_role", "coordination"),
            ("pick", FORMULA.replace('"x"', '"v"')),
            ("many", IMG),
            ("many", TEMPLATE),
            ("works", f"{FORMULA} {SCRIPT} {IMG} {TEMPLATE}"),
        ]
    )


def answer(client, resume: str, page: int, action: str = "next"):
    url = f"/s/{resume}/{page}"
    data = answers(page)
    data["csrf_token"] = get_csrf(client, url)
    data["action"] = action
    return client.post(url, data=data)


@pytest.fixture
def hostile(
    app,
    make_facilitator,
    make_partnership,
    make_round,
    make_session,
    login,
    new_client,
    make_representative,
    personal_links,
):
    from survey.store.database import db
    from survey.store.models import Facilitator

    owner = make_facilitator(email="owner@example.org", name=f"{SCRIPT} {FORMULA}")
    admin = make_facilitator(email="admin@example.org", name=IMG)
    with app.app_context():
        db.session.get(Facilitator, admin.id).is_admin = True
        db.session.commit()
    partnership = make_partnership(owner, partners=PARTNERS, name=f"{SCRIPT} {TEMPLATE}")
    round_ = make_round(partnership, name=FORMULA, instrument="hostile.yaml")
    earlier = make_round(partnership, name=IMG, instrument="hostile.yaml")
    for rec in (round_, earlier):
        for partner in PARTNERS:
            client = new_client()
            resume = start_response(client, rec.token(partner))
            assert answer(client, resume, 1).status_code == 302
            assert answer(client, resume, 2).status_code == 302
            submitted = client.post(
                f"/s/{resume}/submit", data={"csrf_token": get_csrf(client, f"/s/{resume}/review")}
            )
            assert path_of(submitted.headers["Location"]) == f"/s/{resume}/done"
    symposium = make_session(owner, [round_], name=TEMPLATE + SCRIPT)
    respondent = new_client()
    resume = start_response(respondent, round_.token(SCRIPT))
    assert answer(respondent, resume, 1, action="later").status_code == 302
    assert post_form(respondent, "/join", {"code": symposium.code}).status_code == 302
    # A representative whose name is an attack, invited by a personal link.
    rep = make_representative(partnership.partners[SCRIPT], "rep@example.org", name=SCRIPT + IMG)
    personal = personal_links(round_.id)["rep@example.org"]
    with app.app_context():
        # A pack that failed, its reason naming the hostile partnership (as an error may).
        from survey.store.jobs import fail, new_job

        job = new_job(owner.id, "pack", {"rounds": [round_.id]}, total=2)
        public_id = job.public_id
        fail(job.id, f"RuntimeError: {SCRIPT}{TEMPLATE}{IMG}", final=True)
    return {
        "clients": {
            "owner": login(new_client(), owner),
            "admin": login(new_client(), admin),
            "respondent": respondent,
            "anonymous": new_client(),
        },
        "args": {
            "partnership_id": partnership.id,
            "partner_id": partnership.partners[SCRIPT],
            "round_id": round_.id,
            "invitation_id": round_.invitations[IMG].id,
            "session_id": symposium.id,
            "facilitator_id": owner.id,
            "token": round_.token(SCRIPT),
            "resume": resume,
            "number": 1,
            "lang": "fr",
            "version": "x",
            "filename": "app.css",
            "public_id": public_id,
            "personal": personal,
            "unsubscribe": rep.unsubscribe,
        },
        "query": {
            "join.organisation": {"round": round_.id},
            "dashboard.compare": {"a": earlier.id, "b": round_.id},
        },
        "round": round_,
        "session_id": symposium.id,
    }


def assert_escaped(page: str, what: str) -> None:
    for raw in INJECTED:
        assert raw not in page, f"{what}: {raw!r} unescaped"
    # A template engine that ran the texts would print 49 and the app's configuration.
    evaluated = EVALUATED.search(page)
    assert evaluated is None, f"{what}: {evaluated.group(0)!r}"


def test_every_page_shows_the_attacks_as_text(app, hostile):
    pages = 0
    for route in routes(app):
        if "GET" not in route.methods or route.endpoint in ("static", "dashboard.plotly_js"):
            continue
        assert not missing_args(route, hostile["args"]), route.rule
        role = allowed_role(route.endpoint)
        client = hostile["clients"][role]
        for lang in ("en", "fr"):
            response = client.get(
                route.url(hostile["args"]),
                query_string={**hostile["query"].get(route.endpoint, {}), "lang": lang},
            )
            assert response.status_code < 500, (route.rule, response.status_code)
            if response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            assert_escaped(page, f"{role}: {route.rule} ({lang})")
            pages += 1
    assert pages >= 40


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_respondent_pages_escape_every_instrument_text(app, hostile, lang):
    client = hostile["clients"]["respondent"]
    resume = hostile["args"]["resume"]
    client.get(f"/s/{resume}/language/{lang}")
    suffix = "" if lang == "en" else " fr"
    works = "works" if lang == "en" else "fonctionne"
    for url, expected in (
        (
            f"/r/{hostile['args']['token']}?lang={lang}",
            "&lt;script&gt;alert(1)&lt;/script&gt; titre",
        ),
        (f"/s/{resume}/1", "&lt;script&gt;alert(1)&lt;/script&gt; t1" + suffix),
        (f"/s/{resume}/1", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; 2" + suffix),
        (f"/s/{resume}/1", "{{7*7}} p1" + suffix),
        (f"/s/{resume}/2", "=HYPERLINK(&#34;http://evil.example&#34;,&#34;" + works),
        (f"/s/{resume}/review", "{% raw %}{{config}}{% endraw %} 5" + suffix),
    ):
        if lang == "en":
            expected = expected.replace("titre", "title")
        page = client.get(url).get_data(as_text=True)
        assert expected in page.replace("&quot;", "&#34;"), (url, expected)
        assert_escaped(page, url)


def test_closed_session_cohort_page_escapes_names(app, hostile):
    owner = hostile["clients"]["owner"]
    session_id, round_id = hostile["session_id"], hostile["round"].id
    token = csrf_from(owner.get(f"/sessions/{session_id}").get_data(as_text=True))
    assert (
        owner.post(f"/sessions/{session_id}/close", data={"csrf_token": token}).status_code == 302
    )
    page = owner.get(f"/sessions/{session_id}/cohort/{round_id}").get_data(as_text=True)
    assert_escaped(page, "cohort")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in page


# -- exports ------------------------------------------------------------------------------

DANGEROUS_START = ("=", "+", "@", "\t", "\r")


def test_csv_exports_neutralise_every_formula(hostile):
    owner = hostile["clients"]["owner"]
    round_id = hostile["round"].id
    for kind in ("responses", "scores"):
        body = owner.get(f"/rounds/{round_id}/export/{kind}.csv").get_data()
        cells = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
        risky = [c for c in cells if c.startswith(DANGEROUS_START)]
        assert not risky, (kind, risky[:5])
        neutralised = [c for c in cells if "HYPERLINK" in c]
        assert neutralised and all(c.startswith("'=") or not c.startswith("=") for c in neutralised)
        if kind == "responses":
            assert any(c.startswith("'=HYPERLINK") for c in cells), kind
            assert any(SCRIPT in c for c in cells), "text answers are kept, as text"


def test_xlsx_exports_hold_no_formula(hostile):
    owner = hostile["clients"]["owner"]
    round_id = hostile["round"].id
    for kind in ("responses", "scores"):
        body = owner.get(f"/rounds/{round_id}/export/{kind}.xlsx").get_data()
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], kind
        texts = [c.value for c in cells if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(DANGEROUS_START)], kind
        assert any("HYPERLINK" in t for t in texts), kind


# -- PDFs ---------------------------------------------------------------------------------


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL the PDFs' fetcher is asked for."""
    asked: list[str] = []
    original = reports.pdf.LocalFetcher.fetch

    def spy(self, url, headers=None):  # type: ignore[no-untyped-def]
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(reports.pdf.LocalFetcher, "fetch", spy)
    return asked


def test_pdfs_print_the_attacks_literally_and_fetch_nothing(app, hostile, fetched):
    owner = hostile["clients"]["owner"]
    round_id = hostile["round"].id
    partner_id = hostile["args"]["partner_id"]
    urls = [
        f"/rounds/{round_id}/report.pdf",
        f"/rounds/{round_id}/partners/{partner_id}/report.pdf",
    ]
    endpoints = {route.endpoint: route for route in routes(app)}
    if "paper.blank_form" in endpoints:  # the printable questionnaire, where present
        urls.append(endpoints["paper.blank_form"].url({"round_id": round_id}))
    for url in urls:
        response = owner.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.mimetype == "application/pdf"
        text = pdf_text(response.get_data())
        assert SCRIPT in text, url
        assert TEMPLATE in text and "49 " not in text.replace(TEMPLATE, ""), url
        if url == urls[0]:  # the partnership report names every partner
            assert IMG in text and FORMULA in text, url
    root = reports.pdf.REPORTS_DIR.resolve().as_uri()
    outside = [u for u in fetched if not (u.startswith(root) or u.startswith("data:"))]
    assert not outside, outside
    assert not [u for u in fetched if "evil.example" in u or u.endswith("/x")]


def test_no_page_was_reached_with_a_guessed_link(hostile):
    """The walk above used real links: a guessed one is still a plain 404."""
    assert hostile["clients"]["anonymous"].get(f"/r/{GUESSED}").status_code == 404
