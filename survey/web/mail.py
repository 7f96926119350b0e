"""Sending the outbox (``survey.store.outbox``) through SMTP, with Flask-Mailman.

With ``MAIL_SERVER`` set, messages go to that server (``MAIL_PORT``, ``MAIL_USE_TLS``,
``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``). Without it (a fresh
``make run``), nothing leaves the machine: each message is written to the log and kept in the
outbox, where an administrator reads it at ``/admin/outbox``. Sending runs in the background
worker (``survey.web.tasks.send_mail``), never in a web request.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives, Mail

from survey.store import outbox

log = logging.getLogger(__name__)
mail = Mail()


def init_app(app: Flask) -> None:
    if app.config.get("MAIL_SERVER"):
        # Flask-Mailman keeps messages in memory under TESTING; a configured server is real.
        app.config.setdefault("MAIL_BACKEND", "smtp")
    mail.init_app(app)


def _permanent(exc: Exception) -> bool:
    """A refusal that sending again will not change (5xx: no such mailbox, policy)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def send_due() -> Counter[str]:
    """Send every queued message whose time has come; the outcomes, counted."""
    outcomes: Counter[str] = Counter()
    outbox.give_up_on_stale_sending()
    server = current_app.config.get("MAIL_SERVER")
    connection = mail.get_connection() if server else None
    try:
        for message_id in outbox.due():
            message = outbox.claim(message_id)
            if message is None:
                continue  # another sender took it
            if connection is None:
                log.info(
                    "No MAIL_SERVER: not sent, kept in the outbox.\nTo: %s\nSubject: %s\n\n%s",
                    message.to_address,
                    message.subject,
                    message.text_body,
                )
                outbox.record(message.id, "logged")
                outcomes["logged"] += 1
                continue
            email = EmailMultiAlternatives(
                message.subject,
                message.text_body,
                current_app.config.get("MAIL_DEFAULT_SENDER"),
                [message.to_address],
                connection=connection,
                headers={"Auto-Submitted": "auto-generated"},
            )
            if message.html_body:
                email.attach_alternative(message.html_body, "text/html")
            try:
                email.send()
            except (smtplib.SMTPException, OSError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
                if _permanent(exc):
                    outbox.record(message.id, "failed", reason)
                    outcomes["failed"] += 1
                else:
                    log.warning("mail to %s not sent, will retry: %s", message.to_address, reason)
                    outbox.retry_later(message, reason)
                    outcomes["retry"] += 1
                    connection.close()  # a fresh connection for the next one
                continue
            outbox.record(message.id, "sent")
            outcomes["sent"] += 1
    finally:
        if connection is not None:
            connection.close()
    return outcomes
