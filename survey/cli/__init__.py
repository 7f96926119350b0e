"""The ``survey`` command: Flask's own commands (run, db, shell) plus the project's.

One module per area: ``instrument`` (validate, schema, score: no app, no database, so they
work on a machine with nothing configured), ``data`` (accounts, demo, paper import),
``reports`` (PDFs, packs, paper forms), ``mail`` (invitations, reminders) and ``worker``
(background work). Bad input never
shows a traceback: it prints every problem and exits non-zero (``errors``).
"""

from __future__ import annotations

from typing import Any

from flask.cli import FlaskGroup

from survey.cli.assets import assets_command
from survey.cli.data import create_facilitator_command, demo_command, import_command
from survey.cli.instrument import schema_command, score_command, validate_command
from survey.cli.mail import invite_command, send_due_command
from survey.cli.reports import paper_form_command, report_command, symposium_pack_command
from survey.cli.worker import worker_command


def _create_app() -> Any:
    from survey import create_app

    return create_app()


cli = FlaskGroup(
    name="survey",
    create_app=_create_app,
    help="Partnership Health: questionnaires, scores and reports for community-safety "
    "partnerships.",
)

for command in (
    validate_command,
    schema_command,
    score_command,
    create_facilitator_command,
    demo_command,
    import_command,
    report_command,
    paper_form_command,
    symposium_pack_command,
    worker_command,
    invite_command,
    send_due_command,
    assets_command,
):
    cli.add_command(command)


def main() -> None:
    cli.main(prog_name="survey")
