"""The ``survey`` command: Flask's own commands (run, db, shell) plus the project's.

The core commands (validate, schema, score) need no app and no database; they are registered
with ``with_appcontext=False`` so that they work on a machine with nothing configured.
Bad input never shows a traceback: it prints every problem and exits non-zero.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import FlaskGroup

from survey.problems import InputError

F = TypeVar("F", bound=Callable[..., Any])


def _create_app() -> Any:
    from survey import create_app

    return create_app()


cli = FlaskGroup(
    name="survey",
    create_app=_create_app,
    help="Partnership Health: questionnaires, scores and reports for community-safety "
    "partnerships.",
)


def reports_input_errors(exit_code: int) -> Callable[[F], F]:
    """Print every problem of an InputError to stderr and exit with ``exit_code``."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except InputError as exc:
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
                sys.exit(exit_code)

        return wrapper  # type: ignore[return-value]

    return decorate


@cli.command("validate", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Check instrument files; print every problem as FILE:LINE:COL."""
    from survey.questionnaire import load_questionnaire

    failed = 0
    for path in files:
        try:
            q = load_questionnaire(path)
        except InputError as exc:
            failed += 1
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            continue
        n_questions = sum(1 for _ in q.questions())
        click.echo(
            f"{path}: valid — {q.id} {q.version}, {len(q.dimensions)} dimensions, "
            f"{n_questions} questions, languages {', '.join(q.languages)}"
        )
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) have problems.", err=True)
        sys.exit(1)


@cli.command("schema", with_appcontext=False)
def schema_command() -> None:
    """Print the JSON Schema of the instrument format (for editor autocompletion)."""
    from survey.questionnaire import Questionnaire

    schema = Questionnaire.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Partnership Health instrument"
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))


@cli.command("score", with_appcontext=False)
@click.option(
    "--questionnaire", "-q", "questionnaire_path", required=True, type=click.Path(path_type=Path)
)
@click.option("--partners", "-p", "partners_path", required=True, type=click.Path(path_type=Path))
@click.option("--responses", "-r", "responses_path", required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--lang",
    default=None,
    help="Language of titles and evidence (default: the instrument's first).",
)
@reports_input_errors(exit_code=2)
def score_command(
    questionnaire_path: Path,
    partners_path: Path,
    responses_path: Path,
    output_format: str,
    lang: str | None,
) -> None:
    """Score responses gathered elsewhere (CSV) and print the score report."""
    from survey.csv_input import load_round_files
    from survey.questionnaire import load_questionnaire
    from survey.scoring import score
    from survey.text_report import render_text

    questionnaire = load_questionnaire(questionnaire_path)
    if lang is not None and lang not in questionnaire.languages:
        raise click.BadParameter(
            f"'{lang}' is not one of the instrument's languages "
            f"({', '.join(questionnaire.languages)})",
            param_hint="--lang",
        )
    partners, answers = load_round_files(questionnaire, partners_path, responses_path)
    report = score(questionnaire, partners, answers, lang)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report))


def main() -> None:
    cli.main(prog_name="survey")


@cli.command("create-facilitator")
@click.option("--email", required=True, help="The facilitator's sign-in email.")
@click.option("--password", help="Omit to be asked for it (not echoed).")
@click.option("--name", default="", help="Display name.")
@click.option("--admin", is_flag=True, help="Give the account the admin flag.")
def create_facilitator_command(email: str, password: str | None, name: str, admin: bool) -> None:
    """Create a facilitator account."""
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Facilitator

    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 254:
        click.echo(f"--email: '{email}' is not an email address.", err=True)
        sys.exit(2)
    if db.session.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email)):
        click.echo(f"--email: an account for {email} already exists.", err=True)
        sys.exit(1)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    from survey.forms import MIN_PASSWORD

    if len(password) < MIN_PASSWORD:
        click.echo(f"--password: use at least {MIN_PASSWORD} characters.", err=True)
        sys.exit(2)
    user = Facilitator(email=email, name=name, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created facilitator {email}{' (admin)' if admin else ''}.")


@cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no facilitator yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo partnership (idempotent) and print the demo sign-in."""
    from flask import current_app
    from sqlalchemy import func, select

    from survey.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo
    from survey.extensions import db
    from survey.models import Facilitator

    if if_empty and db.session.scalar(select(func.count(Facilitator.id))):
        click.echo("The database already has accounts: demo data not loaded.")
    else:
        _created, message = load_demo(current_app.config["QUESTIONNAIRES_DIR"])
        click.echo(message)
    click.echo(f"Demo sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD}")


@cli.command("import")
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
    from survey.csv_input import read_file
    from survey.extensions import db
    from survey.models import Round
    from survey.paper_import import import_paper

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        click.echo(f"--round: there is no round {round_id}.", err=True)
        sys.exit(2)
    result = import_paper(round_, read_file(file), str(file))
    click.echo(f"{result.imported} imported, {result.already_there} already there.")


# Printed reports live in their own module; it uses reports_input_errors from above.
from survey.report_cli import (  # noqa: E402
    paper_form_command,
    report_command,
    symposium_pack_command,
)

cli.add_command(report_command)
cli.add_command(paper_form_command)
cli.add_command(symposium_pack_command)
