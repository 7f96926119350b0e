"""The outbox and its sender (survey/store/outbox.py, survey/web/mail.py) against a real SMTP
server on 127.0.0.1 (aiosmtpd): called directly, and by the queue's worker."""

from __future__ import annotations

from typing import Any

import pytest

from survey.store import outbox
from survey.store.database import db
from survey.store.outbox import OutboundMessage
from survey.web.mail import send_due


@pytest.fixture
def app_overrides(mail_config: dict[str, Any]) -> dict[str, Any]:
    return mail_config


def _queue(key: str = "invitation:1", to: str = "rep@example.org") -> bool:
    return outbox.queue_message(
        key,
        to,
        "Your invitation",
        "Hello,\nplease answer.\n",
        "<p>Hello, please answer.</p>",
        "en",
    )


def _statuses() -> list[str]:
    return [m.status for m in db.session.scalars(db.select(OutboundMessage))]


def test_a_queued_message_arrives_as_text_and_html(app, smtp_server) -> None:
    _host, _port, inbox = smtp_server
    with app.app_context():
        assert _queue()
        assert not _queue()  # the same key again: nothing more
        assert send_due()["sent"] == 1
        assert send_due()["sent"] == 0  # nothing left: run twice, sent once
        assert _statuses() == ["sent"]
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "rep@example.org"
    assert message["Subject"] == "Your invitation"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_body(("plain",)).get_content().startswith("Hello,")
    assert "<p>Hello" in message.get_body(("html",)).get_content()


def test_a_temporary_refusal_is_retried_later_and_then_delivered(app, smtp_server) -> None:
    _host, _port, inbox = smtp_server
    inbox.refuse.append("451 4.3.0 Try again later")
    with app.app_context():
        _queue()
        assert send_due()["retry"] == 1
        message = db.session.scalar(db.select(OutboundMessage))
        assert message.status == "queued" and message.not_before is not None
        assert "451" in message.last_error
        assert send_due()["sent"] == 0  # not before its time
        message.not_before = None  # its time has come
        db.session.commit()
        assert send_due()["sent"] == 1
    assert len(inbox.messages) == 1


def test_a_permanent_refusal_fails_without_retrying(app, smtp_server) -> None:
    _host, _port, inbox = smtp_server
    inbox.refuse.append("550 5.1.1 No such mailbox")
    with app.app_context():
        _queue()
        assert send_due()["failed"] == 1
        assert _statuses() == ["failed"]
        assert send_due() == {}
    assert inbox.messages == []


def test_a_server_that_does_not_answer_costs_nothing(app, smtp_server) -> None:
    with app.app_context():
        app.config["MAIL_PORT"] = 1  # nothing listens there
        from survey.web import mail

        mail.init_app(app)
        _queue()
        outcomes = send_due()
        assert outcomes["retry"] == 1
        assert _statuses() == ["queued"]


def test_a_crash_between_sending_and_recording_never_sends_twice(
    app, smtp_server, monkeypatch
) -> None:
    """The sender dies after the server accepted the message: it stays `sending`, then is
    marked `unknown`, and no later run sends it again."""
    _host, _port, inbox = smtp_server
    real_record = outbox.record

    def crash(message_id: int, status: str, error: str = "") -> None:
        if status == "sent":
            raise SystemExit("killed")
        real_record(message_id, status, error)

    with app.app_context():
        _queue()
        monkeypatch.setattr(outbox, "record", crash)
        with pytest.raises(SystemExit):
            send_due()
        monkeypatch.setattr(outbox, "record", real_record)
        db.session.rollback()
        assert _statuses() == ["sending"]
        assert send_due() == {}  # not resent while it might still be going
        message = db.session.scalar(db.select(OutboundMessage))
        message.sent_at = message.sent_at - outbox.SENDING_STALE * 2
        db.session.commit()
        send_due()
        assert _statuses() == ["unknown"]
    assert len(inbox.messages) == 1


def test_without_a_mail_server_messages_are_logged_and_shown_to_administrators(
    make_app, client, login, make_facilitator, caplog
) -> None:
    app = make_app(MAIL_SERVER="")
    with app.app_context():
        _queue(to="someone@example.org")
        with caplog.at_level("INFO", logger="survey.web.mail"):
            assert send_due()["logged"] == 1
        assert _statuses() == ["logged"]
    assert "someone@example.org" in caplog.text and "please answer" in caplog.text
    admin = make_facilitator(email="admin@example.org")
    with app.app_context():
        from survey.store.models import Facilitator

        db.session.get(Facilitator, admin.id).is_admin = True
        db.session.commit()
    browser = login(app.test_client(), admin)
    page = browser.get("/admin/outbox").get_data(as_text=True)
    assert "No mail server is configured" in page and "someone@example.org" in page
    assert "please answer" in page


def test_the_worker_sends_what_is_queued(app, smtp_server, worker) -> None:
    import time

    from survey.web.tasks import send_mail

    _host, _port, inbox = smtp_server
    with app.app_context():
        _queue()
    send_mail()  # queued for the worker, as the invitation commands do
    deadline = time.monotonic() + 30
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(inbox.messages) == 1
