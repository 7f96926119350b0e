"""Commands on the database: accounts, the demo partnership and paper answers. Each runs in
the app's context (its configuration and database)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey.cli.errors import reports_input_errors
from survey.core.passwords import password_problem, problem_text


@click.command("create-facilitator")
@with_appcontext
@click.option("--email", required=True, help="The facilitator's sign-in email.")
@click.option("--password", help="Omit to be asked for it (not echoed).")
@click.option("--name", default="", help="Display name.")
@click.option("--admin", is_flag=True, help="Give the account the admin flag.")
def create_facilitator_command(email: str, password: str | None, name: str, admin: bool) -> None:
    """Create a facilitator account."""
    from sqlalchemy import func, select

    from survey.store.database import db
    from survey.store.models import Facilitator

    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 254:
        click.echo(f"--email: '{email}' is not an email address.", err=True)
        sys.exit(2)
    if db.session.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email)):
        click.echo(f"--email: an account for {email} already exists.", err=True)
        sys.exit(1)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, (email, name))
    if problem is not None:
        click.echo(f"--password: {problem_text(problem)}", err=True)
        sys.exit(2)
    user = Facilitator(email=email, name=name, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created facilitator {email}{' (admin)' if admin else ''}.")


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no facilitator yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo partnership (idempotent) and print the demo sign-in."""
    from flask import current_app
    from sqlalchemy import func, select

    from survey.store.database import db
    from survey.store.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
    from survey.store.models import Facilitator

    if if_empty and db.session.scalar(select(func.count(Facilitator.id))):
        click.echo("The database already has accounts: demo data not loaded.")
    else:
        _created, message = load_demo(current_app.config["QUESTIONNAIRES_DIR"])
        click.echo(message)
    click.echo(f"Demo sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD}")


@click.command("import")
@with_appcontext
@click.option(
    "--round",
    "round_id",
    required=True,
    type=click.IntRange(1, 2**31 - 1),
    help="The id of the round (the number in its address, /rounds/ID).",
)
@click.argument("file", type=click.Path(path_type=Path))
@reports_input_errors(exit_code=2)
def import_command(round_id: int, file: Path) -> None:
    """Import answers typed in from paper forms into a round.

    FILE is a CSV file with the columns `survey score` reads: respondent,partner,<question ids>.
    Every row is checked first; with any problem, every one is printed as FILE:ROW and nothing
    is stored. Respondents already imported with the same answers are skipped.
    """
    from survey.core.csv_input import read_file
    from survey.store.database import db
    from survey.store.models import Round
    from survey.store.paper_import import import_paper

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        click.echo(f"--round: there is no round {round_id}.", err=True)
        sys.exit(2)
    result = import_paper(round_, read_file(file), str(file))
    click.echo(f"{result.imported} imported, {result.already_there} already there.")
