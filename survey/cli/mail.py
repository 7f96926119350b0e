"""``survey invite`` and ``survey send-due``: personal invitations and reminders by e-mail.

Both are idempotent (run twice, nobody gets two copies) and only queue messages; the worker
sends them, or ``--now`` sends them from this process.
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


def _send_now() -> str:
    from survey.web.invitations import record_bounces
    from survey.web.mail import send_due

    outcomes = send_due()
    record_bounces()
    return ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items())) or "nothing to send"


@click.command("invite")
@with_appcontext
@click.option(
    "--round",
    "round_id",
    required=True,
    type=click.IntRange(1, 2**31 - 1),
    help="The id of the round (the number in its address, /rounds/ID).",
)
@click.option("--now", is_flag=True, help="Send from this process instead of the worker.")
def invite_command(round_id: int, now: bool) -> None:
    """E-mail a personal invitation to every representative not yet invited to the round."""
    from survey.store.database import db
    from survey.store.models import Round
    from survey.web.invitations import invite_round
    from survey.web.tasks import send_mail

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        click.echo(f"--round: there is no round {round_id}.", err=True)
        sys.exit(2)
    if round_.status != "open":
        click.echo(f"--round: round {round_id} is {round_.status}; open it first.", err=True)
        sys.exit(2)
    queued = invite_round(round_id)
    click.echo(f"{queued} invitation(s) queued.")
    if now:
        click.echo(_send_now())
    elif queued:
        send_mail()
        click.echo("The worker sends them.")


@click.command("send-due")
@with_appcontext
@click.option("--now", is_flag=True, help="Send from this process instead of the worker.")
def send_due_command(now: bool) -> None:
    """Queue the reminders whose date has come (to those who have not submitted)."""
    from survey.web.invitations import queue_due_reminders
    from survey.web.tasks import send_mail

    queued = queue_due_reminders()
    click.echo(f"{queued} reminder(s) queued.")
    if now:
        click.echo(_send_now())
    elif queued:
        send_mail()
