"""Helpers shared by the web tests: CSRF tokens, records, the respondent's journey, DB reads."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.core.questionnaire import Question, Questionnaire, load_questionnaire
from survey.store.database import db

REPO = Path(__file__).resolve().parents[1]
QUESTIONNAIRES = REPO / "questionnaires"
INSTRUMENT = "partnership-health.yaml"

CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
RESUME_RE = re.compile(r"^/s/([A-Za-z0-9_-]+)/1$")


# -- CSRF ---------------------------------------------------------------------------------


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def get_csrf(client: FlaskClient, url: str) -> str:
    """GET a page with a form (as this client) and return the form's CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return csrf_from(page.get_data(as_text=True))


def post_form(
    client: FlaskClient,
    url: str,
    data: dict[str, Any],
    form_url: str | None = None,
    **options: Any,
):
    """POST ``data`` to ``url`` with the CSRF token of the page at ``form_url`` (default url);
    ``options`` go to the client (``follow_redirects=True``, say)."""
    token = get_csrf(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **options)


def text_of(response: Any) -> str:
    """The page's text with entities decoded (’ « » and é come back as themselves)."""
    return html.unescape(response.get_data(as_text=True))


def path_of(location: str) -> str:
    """The path part of a Location header (absolute or not)."""
    return re.sub(r"^https?://[^/]+", "", location)


# -- records returned by the factories ----------------------------------------------------


@dataclass
class FacilitatorRec:
    id: int
    email: str
    password: str


@dataclass
class PartnershipRec:
    id: int
    owner_id: int
    name: str
    partners: dict[str, int] = field(default_factory=dict)  # name -> partner id


@dataclass
class InvitationRec:
    id: int
    token: str
    partner_id: int


@dataclass
class RoundRec:
    id: int
    partnership_id: int
    invitations: dict[str, InvitationRec] = field(default_factory=dict)  # partner name ->

    def token(self, partner: str | None = None) -> str:
        if partner is None:
            return next(iter(self.invitations.values())).token
        return self.invitations[partner].token


@dataclass
class SessionRec:
    id: int
    code: str


# -- the instrument -----------------------------------------------------------------------


@cache
def instrument() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRES / INSTRUMENT)


def sections() -> list[list[Question]]:
    return [list(section.questions) for section in instrument().sections]


def page_count() -> int:
    return len(instrument().sections)


def valid_value(question: Question, choice: int = 3) -> str:
    """A valid answer for the question: option ``choice`` (1-based, clamped), or some text."""
    q = instrument()
    if question.type == "text":
        return f"Answer to {question.id}"
    options = [str(o.value) for o in q.options_of(question)]
    return options[min(choice, len(options)) - 1]


def page_answers(number: int, choice: int = 4) -> dict[str, str]:
    """Valid answers to every question of page ``number`` (1-based)."""
    return {question.id: valid_value(question, choice) for question in sections()[number - 1]}


# -- the respondent's journey -------------------------------------------------------------


def start_response(client: FlaskClient, token: str, lang: str | None = None) -> str:
    """Open the invitation (in ``lang`` if given), press Start; return the resume token."""
    url = f"/r/{token}" + (f"?lang={lang}" if lang else "")
    welcome = client.get(url)
    assert welcome.status_code == 200, welcome.status_code
    page = welcome.get_data(as_text=True)
    data = {"csrf_token": csrf_from(page)}
    match = re.search(r'name="lang" value="([a-z]+)"', page)
    if match:
        data["lang"] = match.group(1)
    started = client.post(f"/r/{token}/start", data=data)
    assert started.status_code == 302, started.status_code
    found = RESUME_RE.match(path_of(started.headers["Location"]))
    assert found, started.headers["Location"]
    return found.group(1)


def save_page(
    client: FlaskClient,
    resume: str,
    number: int,
    data: dict[str, Any],
    action: str = "next",
    csrf: bool = True,
):
    """POST a page as the respondent would (the CSRF token comes from GETting the page)."""
    url = f"/s/{resume}/{number}"
    payload = {**data, "action": action}
    if csrf:
        payload["csrf_token"] = get_csrf(client, url)
    return client.post(url, data=payload)


def answer_all(client: FlaskClient, resume: str, choice: int = 4) -> None:
    for number in range(1, page_count() + 1):
        response = save_page(client, resume, number, page_answers(number, choice))
        assert response.status_code == 302, (number, response.status_code)


def submit(client: FlaskClient, resume: str):
    token = get_csrf(client, f"/s/{resume}/review")
    return client.post(f"/s/{resume}/submit", data={"csrf_token": token})


def complete_response(
    client: FlaskClient, token: str, choice: int = 4, lang: str | None = None
) -> str:
    resume = start_response(client, token, lang)
    answer_all(client, resume, choice)
    done = submit(client, resume)
    assert done.status_code == 302 and path_of(done.headers["Location"]) == f"/s/{resume}/done"
    return resume


# -- reading the database -----------------------------------------------------------------


def stored_answers(app: Flask, resume: str) -> dict[str, str]:
    from survey.store.models import Answer, Response

    with app.app_context():
        rows = db.session.execute(
            select(Answer.question_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.resume_token == resume)
        ).all()
        return dict(rows)  # type: ignore[arg-type]


def answer_rows(app: Flask, resume: str) -> list[tuple[str, str]]:
    """Every answer row of the response, duplicates included (there must be none)."""
    from survey.store.models import Answer, Response

    with app.app_context():
        return [
            (row[0], row[1])
            for row in db.session.execute(
                select(Answer.question_id, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .where(Response.resume_token == resume)
            ).all()
        ]


def response_row(app: Flask, resume: str) -> dict[str, Any]:
    from survey.store.models import Response

    with app.app_context():
        response = db.session.scalar(select(Response).where(Response.resume_token == resume))
        assert response is not None
        return {
            "id": response.id,
            "language": response.language,
            "submitted_at": response.submitted_at,
            "partner_id": response.partner_id,
            "round_id": response.round_id,
        }


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def checked_values(page: str, name: str) -> list[str]:
    """The values of the checked inputs named ``name`` in the page."""
    values = []
    for tag in re.findall(r"<input\b[^>]*>", page):
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag):
            found = re.search(r'value="([^"]*)"', tag)
            values.append(html.unescape(found.group(1)) if found else "")
    return values


# -- background jobs ----------------------------------------------------------------------


def wait_for_job(client: FlaskClient, job_url: str, timeout: float = 90.0) -> dict[str, Any]:
    """Poll a job's state (as its page's script does) until it is done or failed."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"{job_url}.json").get_json()
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            return dict(state)
        time.sleep(0.2)


def download_pack(client: FlaskClient, response: Any) -> bytes:
    """Follow a pack request to its job page, wait for the worker, and download the ZIP."""
    assert response.status_code == 303, response.status_code
    job_url = path_of(response.headers["Location"])
    assert client.get(job_url).status_code == 200
    state = wait_for_job(client, job_url)
    assert state["status"] == "done", state
    with client.get(f"{job_url}/download") as download:  # a file response: close it
        assert download.status_code == 200 and download.mimetype == "application/zip"
        return bytes(download.data)
