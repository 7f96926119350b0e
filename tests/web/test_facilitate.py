"""Facilitator pages: partnerships, partners, rounds (with their pinned instrument), links."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Invitation, Partner, Partnership, Response, Round
from tests.helpers import (
    INSTRUMENT,
    QUESTIONNAIRES,
    FacilitatorRec,
    complete_response,
    count,
    get_csrf,
    instrument,
    page_answers,
    path_of,
    post_form,
    save_page,
    start_response,
    text_of,
)

REQUIRED = "This field is required."


@pytest.fixture
def owner(make_facilitator, login, client) -> FacilitatorRec:
    user = make_facilitator(email="owner@example.org")
    login(client, user)
    return user


def _error_summary(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


# -- partnerships -------------------------------------------------------------------------


def test_create_partnership(app, client, owner):
    response = post_form(
        client,
        "/partnerships/new",
        {"name": "Downtown Table", "description": "Youth safety", "min_group_size": "3"},
    )
    assert response.status_code == 302
    location = path_of(response.headers["Location"])
    assert re.fullmatch(r"/partnerships/\d+", location)
    with app.app_context():
        partnership = db.session.scalar(select(Partnership))
        assert partnership.owner_id == owner.id
        assert (partnership.name, partnership.min_group_size) == ("Downtown Table", 3)
    page = client.get(location)
    assert page.status_code == 200
    assert "Downtown Table" in text_of(page)
    assert "Downtown Table" in text_of(client.get("/"))


PARTNERSHIP_ERRORS = [
    ({"name": "", "min_group_size": "1"}, "name", REQUIRED),
    ({"name": "   ", "min_group_size": "1"}, "name", None),
    ({"name": "x" * 201, "min_group_size": "1"}, "name", "200"),
    ({"name": "Table", "min_group_size": "abc"}, "min_group_size", None),
    ({"name": "Table", "min_group_size": "0"}, "min_group_size", None),
    ({"name": "Table", "min_group_size": ""}, "min_group_size", None),
]


def test_create_partnership_validation(app, client, owner):
    for data, field, message in PARTNERSHIP_ERRORS:
        response = post_form(client, "/partnerships/new", data)
        assert response.status_code == 200, (data, field)
        page = text_of(response)
        summary = _error_summary(page)
        assert f'href="#{field}"' in summary, (data, field)
        assert f'id="{field}-error"' in page  # the message beside the field
        if message:
            assert message in page
        assert count(app, Partnership) == 0


def test_edit_partnership(app, client, owner, make_partnership):
    partnership = make_partnership(owner)
    url = f"/partnerships/{partnership.id}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert partnership.name in text_of(page)
    response = post_form(client, url, {"name": "Renamed", "description": "", "min_group_size": "2"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Partnership, partnership.id).name == "Renamed"
    bad = post_form(client, url, {"name": "", "min_group_size": "2"})
    assert bad.status_code == 200
    assert REQUIRED in text_of(bad)
    with app.app_context():
        assert db.session.get(Partnership, partnership.id).name == "Renamed"


def test_home_lists_only_own_partnerships(client, owner, make_facilitator, make_partnership):
    make_partnership(owner, name="Mine")
    make_partnership(make_facilitator(), name="Somebody else's")
    page = text_of(client.get("/"))
    assert "Mine" in page
    assert "Somebody else" not in page


# -- partners -----------------------------------------------------------------------------


def test_add_partners(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=[])
    url = f"/partnerships/{partnership.id}/partners/new"
    response = post_form(
        client,
        url,
        {
            "name": " Police ",
            "sector": "police",
            "lead": "y",
            "role": "collaboration",
            "invited": "4",
            "action": "another",
        },
    )
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == url  # "Save and add another"
    response = post_form(client, url, {"name": "Housing", "role": "", "invited": ""})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/partnerships/{partnership.id}"
    with app.app_context():
        partners = db.session.scalars(select(Partner).order_by(Partner.position)).all()
        assert [(p.name, p.sector, p.lead, p.role, p.invited) for p in partners] == [
            ("Police", "police", True, "collaboration", 4),
            ("Housing", "", False, None, None),
        ]
    page = text_of(client.get(f"/partnerships/{partnership.id}"))
    assert "Police" in page and "Housing" in page


def test_duplicate_partner_name_is_a_form_error(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=["Police"])
    url = f"/partnerships/{partnership.id}/partners/new"
    for name in ("Police", "  Police  "):
        response = post_form(client, url, {"name": name, "role": ""})
        assert response.status_code == 200
        page = text_of(response)
        assert "This partnership already has a partner with that name." in page
        assert 'href="#name"' in _error_summary(page)
    assert count(app, Partner) == 1
    # The same name in another partnership is fine.
    other = make_partnership(owner, partners=[], name="Other table")
    response = post_form(client, f"/partnerships/{other.id}/partners/new", {"name": "Police"})
    assert response.status_code == 302
    assert count(app, Partner) == 2


PARTNER_ERRORS = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "Police", "invited": "-1"}, "invited"),
    ({"name": "Police", "invited": "lots"}, "invited"),
    ({"name": "Police", "role": "overlord"}, "role"),
    ({"name": "Police", "sector": "s" * 101}, "sector"),
]


def test_partner_form_validation(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=[])
    for data, field in PARTNER_ERRORS:
        response = post_form(client, f"/partnerships/{partnership.id}/partners/new", data)
        assert response.status_code == 200, (data, field)
        assert f'href="#{field}"' in _error_summary(text_of(response)), (data, field)
        assert count(app, Partner) == 0


def test_edit_partner(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=["Police", "Housing"])
    partner_id = partnership.partners["Housing"]
    url = f"/partners/{partner_id}/edit"
    assert "Housing" in text_of(client.get(url))
    response = post_form(
        client,
        url,
        {"name": "Riverside Housing", "sector": "housing", "role": "coordination", "invited": "3"},
    )
    assert response.status_code == 302
    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        assert (partner.name, partner.role, partner.invited) == (
            "Riverside Housing",
            "coordination",
            3,
        )
    # Renaming onto another partner's name: a message, not a crash, and nothing changed.
    response = post_form(client, url, {"name": "Police", "role": ""})
    assert response.status_code == 200
    assert "This partnership already has a partner with that name." in text_of(response)
    with app.app_context():
        assert db.session.get(Partner, partner_id).name == "Riverside Housing"


def test_remove_partner_without_responses(app, client, owner, make_partnership, make_round):
    partnership = make_partnership(owner, partners=["Police", "Housing"])
    make_round(partnership)
    partner_id = partnership.partners["Housing"]
    response = post_form(
        client, f"/partners/{partner_id}/delete", {}, form_url=f"/partnerships/{partnership.id}"
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Partner, partner_id) is None
    assert count(app, Invitation, Invitation.partner_id == partner_id) == 0
    assert "Partner removed." in text_of(client.get(f"/partnerships/{partnership.id}"))


def test_remove_partner_with_responses_is_refused(
    app, client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner, partners=["Police", "Housing"])
    round_ = make_round(partnership)
    start_response(new_client(), round_.token("Housing"))
    partner_id = partnership.partners["Housing"]
    response = post_form(
        client, f"/partners/{partner_id}/delete", {}, form_url=f"/partnerships/{partnership.id}"
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/partnerships/{partnership.id}"))
    assert "This partner has responses in a round, so it cannot be removed." in page
    with app.app_context():
        assert db.session.get(Partner, partner_id) is not None


def test_remove_partner_needs_csrf(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=["Police"])
    partner_id = partnership.partners["Police"]
    response = client.post(f"/partners/{partner_id}/delete")
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    with app.app_context():
        assert db.session.get(Partner, partner_id) is not None


def test_partner_added_later_gets_links_for_unclosed_rounds(
    app, client, owner, make_partnership, make_round
):
    partnership = make_partnership(owner, partners=["Police"])
    open_round = make_round(partnership, status="open")
    closed_round = make_round(partnership, status="closed", name="Old")
    response = post_form(
        client, f"/partnerships/{partnership.id}/partners/new", {"name": "Schools"}
    )
    assert response.status_code == 302
    with app.app_context():
        schools = db.session.scalar(select(Partner).where(Partner.name == "Schools"))
        assert (
            count(
                app,
                Invitation,
                Invitation.partner_id == schools.id,
                Invitation.round_id == open_round.id,
            )
            == 1
        )
        assert (
            count(
                app,
                Invitation,
                Invitation.partner_id == schools.id,
                Invitation.round_id == closed_round.id,
            )
            == 0
        )


# -- rounds -------------------------------------------------------------------------------


def _create_round(client, partnership_id: int, **data) -> str:
    values = {"name": "Spring 2027", "instrument": INSTRUMENT, "opens_on": "", "closes_on": ""}
    values.update(data)
    response = post_form(client, f"/partnerships/{partnership_id}/rounds/new", values)
    assert response.status_code == 302, text_of(response)[:2000]
    location = path_of(response.headers["Location"])
    assert re.fullmatch(r"/rounds/\d+", location)
    return location


def test_create_round_pins_instrument_and_issues_links(app, client, owner, make_partnership):
    partnership = make_partnership(owner, partners=["Police", "Housing", "Schools"])
    form = client.get(f"/partnerships/{partnership.id}/rounds/new")
    assert form.status_code == 200
    assert f'value="{INSTRUMENT}"' in form.get_data(as_text=True)
    location = _create_round(client, partnership.id, opens_on="2027-03-01", closes_on="2027-03-31")
    round_id = int(location.rsplit("/", 1)[1])
    source = (QUESTIONNAIRES / INSTRUMENT).read_text(encoding="utf-8")
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        assert round_.partnership_id == partnership.id
        assert round_.status == "draft"
        assert (round_.opens_on, round_.closes_on) == (date(2027, 3, 1), date(2027, 3, 31))
        assert round_.instrument_file == INSTRUMENT
        assert (round_.instrument_id, round_.instrument_version) == ("partnership-health", "1.0")
        assert round_.instrument_yaml == source
        assert round_.instrument_sha256 == hashlib.sha256(source.encode("utf-8")).hexdigest()
        invitations = db.session.scalars(
            select(Invitation).where(Invitation.round_id == round_id)
        ).all()
        assert sorted(i.partner_id for i in invitations) == sorted(partnership.partners.values())
        tokens = [i.token for i in invitations]
    assert len(set(tokens)) == 3
    # At least 128 bits of randomness in URL-safe base64: 22 characters or more.
    assert all(len(t) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)
    page = text_of(client.get(location))
    assert "Spring 2027" in page
    assert "This round is a draft" in page
    for token in tokens:
        assert f"/r/{token}" in page


ROUND_ERRORS = [
    ({"name": ""}, "name", REQUIRED),
    (
        {"opens_on": "2027-04-01", "closes_on": "2027-03-01"},
        "closes_on",
        "The closing date must be on or after the opening date.",
    ),
    ({"opens_on": "not a date"}, "opens_on", None),
    ({"instrument": "../../etc/passwd"}, "instrument", None),
    ({"instrument": ""}, "instrument", None),
]


def test_create_round_validation(app, client, owner, make_partnership):
    partnership = make_partnership(owner)
    for data, field, message in ROUND_ERRORS:
        values = {
            "name": "Spring",
            "instrument": INSTRUMENT,
            "opens_on": "",
            "closes_on": "",
            **data,
        }
        response = post_form(client, f"/partnerships/{partnership.id}/rounds/new", values)
        assert response.status_code == 200, (data, field)
        page = text_of(response)
        assert f'href="#{field}"' in _error_summary(page), (data, field)
        assert f'id="{field}-error"' in page
        if message:
            assert message in page
        assert count(app, Round) == 0


def test_edit_round_status_and_dates(app, client, owner, make_partnership, make_round):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="draft")
    url = f"/rounds/{round_.id}/edit"
    assert client.get(url).status_code == 200
    response = post_form(
        client, url, {"name": "Renamed", "status": "open", "opens_on": "", "closes_on": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Round, round_.id).status == "open"
    for bad, field in [
        ({"status": "archived"}, "status"),
        ({"status": "open", "opens_on": "2027-05-02", "closes_on": "2027-05-01"}, "closes_on"),
        ({"status": "open", "name": ""}, "name"),
    ]:
        response = post_form(
            client, url, {"name": "Renamed", "opens_on": "", "closes_on": "", **bad}
        )
        assert response.status_code == 200, bad
        assert f'href="#{field}"' in _error_summary(text_of(response))
    with app.app_context():
        row = db.session.get(Round, round_.id)
        assert (row.name, row.status, row.closes_on) == ("Renamed", "open", None)


def test_opening_a_round_makes_its_links_work(
    client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="draft")
    respondent = new_client()
    assert "not open yet" in text_of(respondent.get(f"/r/{round_.token()}"))
    post_form(
        client,
        f"/rounds/{round_.id}/edit",
        {"name": "Spring", "status": "open", "opens_on": "", "closes_on": ""},
    )
    assert "Start" in text_of(respondent.get(f"/r/{round_.token()}"))
    start_response(respondent, round_.token())


# -- invitations --------------------------------------------------------------------------


def test_reissue_revokes_old_link_and_issues_new_one(
    app, client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner, partners=["Police", "Housing"])
    round_ = make_round(partnership)
    old = round_.invitations["Housing"]
    respondent = new_client()
    resume = start_response(respondent, old.token)  # someone already started with the old link
    response = post_form(
        client, f"/invitations/{old.id}/reissue", {}, form_url=f"/rounds/{round_.id}"
    )
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/rounds/{round_.id}"
    with app.app_context():
        current = db.session.scalar(
            select(Invitation).where(
                Invitation.partner_id == old.partner_id,
                Invitation.revoked_at.is_(None),
                Invitation.round_id == round_.id,
            )
        )
        new_token, new_id = current.token, current.id
    assert new_token != old.token
    page = text_of(client.get(f"/rounds/{round_.id}"))
    assert new_token in page and old.token not in page
    assert "The old link for Housing no longer works" in page
    gone = respondent.get(f"/r/{old.token}")
    assert gone.status_code == 404
    assert "We can't find that page" in text_of(gone)
    assert new_client().get(f"/r/{new_token}").status_code == 200
    start_response(new_client(), new_token)
    # The old QR code is gone too; the round page shows only the new link.
    assert client.get(f"/invitations/{old.id}/qr.svg").status_code == 404
    assert client.get(f"/invitations/{new_id}/qr.svg").status_code == 200
    # A response begun before the reissue keeps its own resume link.
    assert respondent.get(f"/s/{resume}/1").status_code == 200
    # Reissuing the revoked invitation again changes nothing.
    post_form(client, f"/invitations/{old.id}/reissue", {}, form_url=f"/rounds/{round_.id}")
    assert count(app, Invitation, Invitation.partner_id == old.partner_id) == 2


def test_reissue_needs_csrf(app, client, owner, make_partnership, make_round):
    partnership = make_partnership(owner)
    round_ = make_round(partnership)
    invitation = round_.invitations["Police"]
    assert client.post(f"/invitations/{invitation.id}/reissue").status_code == 400
    assert client.get(f"/r/{invitation.token}").status_code == 200


def test_qr_code_is_svg_of_the_link(client, owner, make_partnership, make_round):
    partnership = make_partnership(owner)
    round_ = make_round(partnership)
    invitation = round_.invitations["Police"]
    response = client.get(f"/invitations/{invitation.id}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "<svg" in body and "</svg>" in body
    # Served on its own (an <img src>), an SVG needs its namespace, or browsers show nothing.
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Police"
    assert "no-store" in response.headers["Cache-Control"]


# -- the round page -----------------------------------------------------------------------


def _progress_row(page: str, partner: str) -> tuple[int, int, str]:
    match = re.search(
        rf'<th scope="row">{re.escape(partner)}</th>\s*<td class="num">(\d+)</td>\s*'
        r'<td class="num">(\d+)</td>\s*<td class="num">([^<]*)</td>',
        page,
    )
    assert match, f"no progress row for {partner}"
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_round_page_counts_and_scores(app, client, owner, make_partnership, make_round, new_client):
    partnership = make_partnership(
        owner,
        partners=[
            {"name": "Police", "invited": 4, "lead": True},
            {"name": "Housing", "invited": 2},
            {"name": "Schools"},
        ],
    )
    round_ = make_round(partnership)
    before = text_of(client.get(f"/rounds/{round_.id}"))
    assert _progress_row(before, "Police") == (0, 0, "4")
    assert _progress_row(before, "Schools") == (0, 0, "—")
    assert "Scores appear here as soon as the first response is submitted." in before

    complete_response(new_client(), round_.token("Police"), choice=5)
    complete_response(new_client(), round_.token("Police"), choice=4)
    started = start_response(new_client(), round_.token("Police"))
    save_page(new_client(), started, 1, page_answers(1))
    complete_response(new_client(), round_.token("Housing"), choice=2)

    page = text_of(client.get(f"/rounds/{round_.id}"))
    assert _progress_row(page, "Police") == (3, 2, "4")
    assert _progress_row(page, "Housing") == (1, 1, "2")
    assert _progress_row(page, "Schools") == (0, 0, "—")
    assert "3 submitted responses" in page
    assert "Scores appear here" not in page
    # The round page reads the headline and links to the dashboard instead of repeating it.
    assert f'href="/rounds/{round_.id}/dashboard"' in page
    assert 'class="risk risk-' in page
    dashboard = text_of(client.get(f"/rounds/{round_.id}/dashboard"))
    assert "Scores by partner and dimension" in dashboard
    for dimension in instrument().dimensions:
        assert instrument().text(dimension.title, "en") in dashboard
    assert "To discuss first" in dashboard
    # The police answer far more positively than housing: something to discuss.
    assert 'class="finding finding-' in dashboard


def test_round_page_shows_flags_of_the_demo_round(app, client):
    from survey.store.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo

    with app.app_context():
        load_demo(app.config["QUESTIONNAIRES_DIR"])
        round_id = db.session.scalar(select(Round.id).where(Round.status == "closed"))
    _login_as(client, DEMO_EMAIL, DEMO_PASSWORD)
    page = text_of(client.get(f"/rounds/{round_id}/dashboard"))
    findings = re.findall(
        r'<details class="finding finding-(low|medium|high)">\s*'
        r'<summary><span class="finding-title">([^<]+)',
        page,
    )
    assert len({title.strip() for _severity, title in findings}) >= 2, findings
    assert "No signs of a partnership in name only" not in page
    assert "No signs of a partnership in name only" not in text_of(
        client.get(f"/rounds/{round_id}")
    )


def _login_as(client, email: str, password: str) -> None:
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302


# -- the pinned instrument ----------------------------------------------------------------


class TestPinnedInstrument:
    """A round keeps the instrument text it was created with, whatever happens to the file."""

    @pytest.fixture
    def questionnaires_dir(self, tmp_path):
        folder = tmp_path / "questionnaires"
        folder.mkdir()
        shutil.copy(QUESTIONNAIRES / INSTRUMENT, folder / INSTRUMENT)
        return folder

    @pytest.fixture
    def app_overrides(self, questionnaires_dir):
        return {"QUESTIONNAIRES_DIR": str(questionnaires_dir)}

    def test_round_survives_edits_and_deletion_of_its_file(
        self, app, client, owner, make_partnership, new_client, questionnaires_dir
    ):
        q = instrument()
        first = q.sections[0].questions[0]
        old_title = q.text(q.title, "en")
        old_question = q.text(first.text, "en")
        old_question_fr = q.text(first.text, "fr")
        partnership = make_partnership(owner)
        location = _create_round(client, partnership.id)
        round_id = int(location.rsplit("/", 1)[1])
        post_form(
            client,
            f"/rounds/{round_id}/edit",
            {"name": "Spring 2027", "status": "open", "opens_on": "", "closes_on": ""},
        )
        with app.app_context():
            token = db.session.scalar(
                select(Invitation.token).where(Invitation.round_id == round_id)
            )
            pinned_yaml = db.session.get(Round, round_id).instrument_yaml
        respondent = new_client()
        resume = start_response(respondent, token)

        # Edit the file: new title, new wording of the first question, in both languages.
        path = questionnaires_dir / INSTRUMENT
        text = path.read_text(encoding="utf-8")
        assert old_title in text and old_question in text
        edited = (
            text.replace(old_title, "EDITED TITLE")
            .replace(old_question, "EDITED QUESTION")
            .replace(old_question_fr, "QUESTION MODIFIÉE")
        )
        path.write_text(edited, encoding="utf-8")
        # The new-round form sees the edit...
        assert "EDITED TITLE" in text_of(client.get(f"/partnerships/{partnership.id}/rounds/new"))
        # ...the existing round does not.
        self._assert_old_texts(client, respondent, round_id, token, resume, old_title, old_question)
        fr = text_of(new_client().get(f"/r/{token}?lang=fr"))
        assert "MODIFIÉE" not in fr

        # Delete the file: the round and its respondents carry on.
        path.unlink()
        self._assert_old_texts(client, respondent, round_id, token, resume, old_title, old_question)
        save = save_page(respondent, resume, 1, page_answers(1))
        assert save.status_code == 302
        form = client.get(f"/partnerships/{partnership.id}/rounds/new")
        assert form.status_code == 200
        response = post_form(
            client,
            f"/partnerships/{partnership.id}/rounds/new",
            {"name": "Autumn", "instrument": INSTRUMENT, "opens_on": "", "closes_on": ""},
        )
        assert response.status_code == 200  # a form error: that questionnaire is gone
        assert count(app, Round) == 1
        with app.app_context():
            round_ = db.session.get(Round, round_id)
            assert round_.instrument_yaml == pinned_yaml
            assert round_.instrument_sha256 == hashlib.sha256(pinned_yaml.encode()).hexdigest()

    @staticmethod
    def _assert_old_texts(client, respondent, round_id, token, resume, old_title, old_question):
        round_page = client.get(f"/rounds/{round_id}")
        assert round_page.status_code == 200
        assert old_title in text_of(round_page)
        welcome = respondent.get(f"/r/{token}")
        assert welcome.status_code == 200
        assert old_title in text_of(welcome) and "EDITED" not in text_of(welcome)
        page = respondent.get(f"/s/{resume}/1")
        assert page.status_code == 200
        assert old_question in text_of(page) and "EDITED" not in text_of(page)
        assert respondent.get(f"/s/{resume}/review").status_code == 200


def test_round_with_past_closing_date_is_closed_for_respondents(
    client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="open", closes_on=date.today() - timedelta(days=1))
    welcome = text_of(new_client().get(f"/r/{round_.token()}"))
    assert "This assessment is closed" in welcome
    assert "not open yet" not in welcome


def test_round_with_future_opening_date_is_not_open_yet(
    app, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="open", opens_on=date.today() + timedelta(days=3))
    respondent = new_client()
    welcome = respondent.get(f"/r/{round_.token()}")
    assert "This assessment is not open yet" in text_of(welcome)
    assert 'action="/r/' not in welcome.get_data(as_text=True)  # no Start button
    # A hand-made POST (valid CSRF token of this browser's session) starts nothing either.
    token = get_csrf(respondent, "/login")
    response = respondent.post(f"/r/{round_.token()}/start", data={"csrf_token": token})
    assert response.status_code == 302
    assert count(app, Response) == 0


def test_names_are_escaped_everywhere(client, owner, make_partnership, make_round, new_client):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    partnership = make_partnership(owner, partners=[hostile, "Police"], name=hostile)
    round_ = make_round(partnership, name=hostile)
    pages = [
        client.get("/"),
        client.get(f"/partnerships/{partnership.id}"),
        client.get(f"/rounds/{round_.id}"),
        client.get(f"/partners/{partnership.partners[hostile]}/edit"),
        new_client().get(f"/r/{round_.token(hostile)}"),
    ]
    for page in pages:
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


# -- the round page's own actions (issue 15, item 14) ---------------------------------------


def _round_status(app, round_id: int) -> str:
    with app.app_context():
        return db.session.get(Round, round_id).status


def test_a_draft_round_is_opened_from_its_page_with_a_clear_message(
    app, client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="draft", closes_on=date(2099, 3, 27))
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    words = text_of(client.get(f"/rounds/{round_.id}"))
    assert f'action="/rounds/{round_.id}/open"' in page
    assert "Open the round" in words
    # The dashboard's link does not say "open" on a draft round.
    assert "Open the dashboard" not in words and "Preview the dashboard" in words
    response = post_form(client, f"/rounds/{round_.id}/open", {}, form_url=f"/rounds/{round_.id}")
    assert path_of(response.headers["Location"]) == f"/rounds/{round_.id}"
    assert _round_status(app, round_.id) == "open"
    words = text_of(client.get(f"/rounds/{round_.id}"))
    assert "The round is open: partners can answer with their links now." in words
    assert "They stop taking answers after 27 March 2099." in words
    assert "Changes saved." not in words
    assert "Close the round" in words and "See the dashboard" in words
    start_response(new_client(), round_.token())


def test_closing_and_reopening_a_round_from_its_page(
    app, client, owner, make_partnership, make_round, new_client
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="open")
    post_form(client, f"/rounds/{round_.id}/close", {}, form_url=f"/rounds/{round_.id}")
    assert _round_status(app, round_.id) == "closed"
    words = text_of(client.get(f"/rounds/{round_.id}"))
    assert "The round is closed: its links now show the answers read-only" in words
    assert "This assessment is closed" in text_of(new_client().get(f"/r/{round_.token()}"))
    assert "Reopen the round" in words
    post_form(client, f"/rounds/{round_.id}/open", {}, form_url=f"/rounds/{round_.id}")
    assert _round_status(app, round_.id) == "open"


def test_a_round_past_its_closing_date_is_not_opened_without_a_new_date(
    app, client, owner, make_partnership, make_round
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="draft", closes_on=date(2020, 1, 31))
    post_form(client, f"/rounds/{round_.id}/open", {}, form_url=f"/rounds/{round_.id}")
    assert _round_status(app, round_.id) == "draft"
    words = text_of(client.get(f"/rounds/{round_.id}"))
    assert "The round's closing date, 31 January 2020, has passed" in words


def test_opening_a_round_that_starts_later_says_when_links_work(
    app, client, owner, make_partnership, make_round
):
    partnership = make_partnership(owner)
    later = date.today() + timedelta(days=10)
    round_ = make_round(partnership, status="draft", opens_on=later)
    post_form(client, f"/rounds/{round_.id}/open", {}, form_url=f"/rounds/{round_.id}")
    assert _round_status(app, round_.id) == "open"
    words = text_of(client.get(f"/rounds/{round_.id}"))
    assert f"The round is open: its links work from {later.day} " in words
    assert "its dates do not take answers today" in words


def test_open_and_close_are_the_owners_only_and_need_csrf(
    app, client, owner, make_partnership, make_round, make_facilitator, login
):
    partnership = make_partnership(owner)
    round_ = make_round(partnership, status="draft")
    assert client.post(f"/rounds/{round_.id}/open").status_code == 400
    other = login(app.test_client(), make_facilitator(email="other@example.org"))
    token = get_csrf(other, "/")
    for action in ("open", "close"):
        response = other.post(f"/rounds/{round_.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    assert _round_status(app, round_.id) == "draft"


def test_a_new_round_has_dates_and_its_questionnaires_in_full(client, owner, make_partnership):
    partnership = make_partnership(owner)
    page = client.get(f"/partnerships/{partnership.id}/rounds/new").get_data(as_text=True)
    today = date.today()
    assert f'name="opens_on" type="date" value="{today.isoformat()}"' in page
    assert f'value="{(today + timedelta(weeks=3)).isoformat()}"' in page
    # Radio buttons whose labels hold each questionnaire's whole title (a list box cut them).
    assert "<select" not in page.split('id="instrument"')[0].rsplit("<fieldset", 1)[-1]
    title = instrument().text(instrument().title, "en")
    assert re.search(
        rf'<input[^>]*checked[^>]*value="{INSTRUMENT}"|<input[^>]*value="{INSTRUMENT}"[^>]*checked',
        page,
    )
    assert f"{title} (partnership-health 1.0)</label>" in text_of(
        client.get(f"/partnerships/{partnership.id}/rounds/new")
    )
