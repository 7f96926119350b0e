"""``survey validate``, ``survey schema`` and ``survey score``: instruments and CSV answers,
with no app and no database, so they work on a machine with nothing configured."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from survey.cli.errors import reports_input_errors
from survey.core.problems import InputError


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Check instrument files; print every problem as FILE:LINE:COL."""
    from survey.core.questionnaire import load_questionnaire

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


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the instrument format (for editor autocompletion)."""
    from survey.core.questionnaire import Questionnaire

    schema = Questionnaire.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Partnership Health instrument"
    click.echo(json.dumps(schema, indent=2, ensure_ascii=False))


@click.command("score")
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
@click.option(
    "--min-group",
    "min_group",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Smallest group a number may rest on: smaller partners are pooled as "
    "'Other partners', and a round below it shows counts only.",
)
@reports_input_errors(exit_code=2)
def score_command(
    questionnaire_path: Path,
    partners_path: Path,
    responses_path: Path,
    output_format: str,
    lang: str | None,
    min_group: int,
) -> None:
    """Score responses gathered elsewhere (CSV) and print the score report."""
    from reports.text import render_text
    from survey.core.csv_input import load_round_files
    from survey.core.pooling import pool_partners
    from survey.core.questionnaire import load_questionnaire
    from survey.core.scoring import score

    questionnaire = load_questionnaire(questionnaire_path)
    if lang is not None and lang not in questionnaire.languages:
        raise click.BadParameter(
            f"'{lang}' is not one of the instrument's languages "
            f"({', '.join(questionnaire.languages)})",
            param_hint="--lang",
        )
    partners, answers = load_round_files(questionnaire, partners_path, responses_path)
    language = lang or questionnaire.default_language
    partners, answers = pool_partners(partners, answers, min_group, language)
    report = score(questionnaire, partners, answers, lang, min_group=min_group)
    if output_format == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report))
