"""Personal invitations and reminders by e-mail (survey/store/roster.py, survey/web/invitations.py,
survey/cli/mail.py), sent to a real SMTP server on 127.0.0.1, and completion known without
knowing who said what."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect

from survey.cli import cli
from survey.store.database import db
from survey.store.models import Invitation, Response, Round
from survey.store.roster import PersonalInvite, reach
from tests.helpers import answer_all, csrf_from, path_of, submit, text_of

LINK = re.compile(r"https?://[^/\s]+(/p/[A-Za-z0-9_-]+)")


@pytest.fixture
def app_overrides(mail_config: dict[str, Any]) -> dict[str, Any]:
    # Links in e-mails on the public address; the test client itself calls at localhost.
    return {
        **mail_config,
        "BASE_URL": "https://survey.example.org",
        "TRUSTED_HOSTS": ["survey.example.org", "localhost"],
    }


def _run(app, *args: str) -> Any:
    result = app.test_cli_runner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def roster(app, world, make_representative) -> dict[str, Any]:
    partners = world.partnership.partners
    return {
        "world": world,
        "ana": make_representative(partners["Police"], "ana@example.org", "Ana", "en"),
        "luc": make_representative(partners["Police"], "luc@example.org", "Luc", "fr"),
        "kim": make_representative(partners["Housing"], "kim@example.org", "", "en"),
    }


def test_invitations_go_once_each_in_each_persons_language(app, roster, smtp_server) -> None:
    _host, _port, inbox = smtp_server
    round_id = roster["world"].round.id
    first = _run(app, "invite", "--round", str(round_id), "--now")
    assert "3 invitation(s) queued" in first.output and "3 sent" in first.output
    again = _run(app, "invite", "--round", str(round_id), "--now")
    assert "0 invitation(s) queued" in again.output
    assert len(inbox.messages) == 3  # run twice, nobody got two
    by_address = {m["To"]: m for m in inbox.messages}
    luc = by_address["luc@example.org"]
    assert "Rappel" not in luc["Subject"] and "comment va le partenariat" in luc["Subject"]
    body = luc.get_body(("plain",)).get_content()
    assert body.startswith("Bonjour Luc,") and "Police" in body
    assert by_address["ana@example.org"].get_body(("plain",)).get_content().startswith("Hello Ana,")
    assert by_address["kim@example.org"].get_body(("plain",)).get_content().startswith("Hello,")
    # Links are built on BASE_URL, whatever Host a request may have carried.
    assert "https://survey.example.org/p/" in body
    html = luc.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and "https://survey.example.org/unsubscribe/" in html


def test_a_closed_or_unknown_round_is_refused(app, roster) -> None:
    unknown = app.test_cli_runner().invoke(cli, ["invite", "--round", "9999"])
    assert unknown.exit_code == 2 and "there is no round 9999" in unknown.output
    with app.app_context():
        db.session.get(Round, roster["world"].round.id).status = "draft"
        db.session.commit()
    draft = app.test_cli_runner().invoke(cli, ["invite", "--round", str(roster["world"].round.id)])
    assert draft.exit_code == 2 and "is draft; open it first" in draft.output


def _link_in(message: Any) -> str:
    found = LINK.search(message.get_body(("plain",)).get_content())
    assert found, message
    return found.group(1)


def test_the_emailed_link_leads_to_the_questionnaire_and_completion_is_known_without_attribution(
    app, roster, smtp_server, new_client
) -> None:
    _host, _port, inbox = smtp_server
    round_id = roster["world"].round.id
    _run(app, "invite", "--round", str(round_id), "--now")
    luc = next(m for m in inbox.messages if m["To"] == "luc@example.org")
    browser = new_client()
    opened = browser.get(_link_in(luc))
    assert opened.status_code == 303
    welcome_url = path_of(opened.headers["Location"])
    assert welcome_url.startswith("/r/") and welcome_url.endswith("?lang=fr")
    welcome = browser.get(welcome_url)
    assert welcome.status_code == 200 and 'lang="fr"' in welcome.get_data(as_text=True)
    start = browser.post(
        welcome_url.split("?")[0] + "/start",
        data={"csrf_token": csrf_from(welcome.get_data(as_text=True)), "lang": "fr"},
    )
    resume = path_of(start.headers["Location"]).split("/")[2]
    answer_all(browser, resume)
    assert submit(browser, resume).status_code == 302
    with app.app_context():
        counts = {r.partner: r for r in reach(round_id)}
        assert counts["Police"].invited == 2 and counts["Police"].opened == 1
        assert counts["Police"].submitted == 1 and counts["Housing"].submitted == 0
        # The response holds no link to the invitation or the person: no such column exists,
        # and it points at the partner's shared link like any other.
        columns = {c["name"] for c in inspect(db.engine).get_columns("response")}
        assert not {c for c in columns if "represent" in c or "personal" in c}
        response = db.session.scalar(db.select(Response).where(Response.resume_token == resume))
        shared = db.session.get(Invitation, response.invitation_id)
        assert shared.partner_id == roster["world"].partnership.partners["Police"]


def test_reminders_go_only_to_those_who_have_not_submitted(
    app, roster, smtp_server, new_client
) -> None:
    _host, _port, inbox = smtp_server
    world = roster["world"]
    with app.app_context():
        round_ = db.session.get(Round, world.round.id)
        round_.opens_on = date.today() - timedelta(days=3)  # the first reminder is due today
        round_.closes_on = date.today() + timedelta(days=20)
        db.session.commit()
    _run(app, "invite", "--round", str(world.round.id), "--now")
    ana = next(m for m in inbox.messages if m["To"] == "ana@example.org")
    browser = new_client()
    welcome_url = path_of(browser.get(_link_in(ana)).headers["Location"])
    welcome = browser.get(welcome_url)
    start = browser.post(
        welcome_url.split("?")[0] + "/start",
        data={"csrf_token": csrf_from(welcome.get_data(as_text=True)), "lang": "en"},
    )
    resume = path_of(start.headers["Location"]).split("/")[2]
    answer_all(browser, resume)
    submit(browser, resume)
    # Kim asks for no more reminders: GET asks, POST does it.
    kim = next(m for m in inbox.messages if m["To"] == "kim@example.org")
    unsubscribe = re.search(
        r"https?://[^/\s]+(/unsubscribe/\S+)", kim.get_body(("plain",)).get_content()
    )
    page = new_client()
    ask = page.get(unsubscribe.group(1))
    assert "No more reminders" in text_of(ask)
    page.post(unsubscribe.group(1), data={"csrf_token": csrf_from(ask.get_data(as_text=True))})
    inbox.messages.clear()
    first = _run(app, "send-due", "--now")
    assert "1 reminder(s) queued" in first.output
    assert [m["To"] for m in inbox.messages] == ["luc@example.org"]
    assert str(inbox.messages[0]["Subject"]).strip().startswith("Rappel :")  # folded header
    again = _run(app, "send-due", "--now")
    assert "0 reminder(s) queued" in again.output and len(inbox.messages) == 1


def test_a_refused_address_is_counted_as_bounced(app, roster, smtp_server) -> None:
    _host, _port, inbox = smtp_server
    inbox.refuse += ["550 5.1.1 No such mailbox"]
    _run(app, "invite", "--round", str(roster["world"].round.id), "--now")
    with app.app_context():
        counts = {r.partner: r for r in reach(roster["world"].round.id)}
        assert counts["Police"].bounced + counts["Housing"].bounced == 1
        bounced = db.session.scalar(
            db.select(PersonalInvite).where(PersonalInvite.bounced_at.is_not(None))
        )
        assert bounced.reminders_sent == 0
    assert len(inbox.messages) == 2
