"""``survey report``, ``survey symposium-pack`` and ``survey paper-form``: printed reports and
paper questionnaires from the command line.

``survey report`` has two sources, exactly one per call: ``--round ID`` reads a round from the
database (it loads the app only then), and ``--questionnaire/--partners/--responses`` reads
the CSV files of ``survey score``, with no app and no database. Bad input (an unknown round or
partner, a missing file, an --out that cannot be written) prints what is wrong and how to fix
it and exits with status 2, never with a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask.cli import ScriptInfo

from survey.cli.errors import reports_input_errors
from survey.core.problems import InputError, Problem

SIZES = click.Choice(["letter", "a4"], case_sensitive=False)

# Options that several commands share, declared once so that they read and behave alike.
round_option = click.option(
    "--round", "round_id", type=int, help="A round in the database (its id)."
)
lang_option = click.option(
    "--lang", default=None, help="en or fr (default: the instrument's first language)."
)
size_option = click.option("--size", "page_size", type=SIZES, default="letter", show_default=True)


def out_option(what: str) -> Any:
    return click.option(
        "--out", "-o", "out", required=True, type=click.Path(path_type=Path), help=what
    )


def questionnaire_option(what: str) -> Any:
    return click.option(
        "--questionnaire", "-q", "questionnaire_path", type=click.Path(path_type=Path), help=what
    )


def _check_out(out: Path) -> None:
    """Refuse an --out that cannot be written before any work is done."""
    parent = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise InputError([Problem(str(out), "is a folder", "name a file, e.g. report.pdf")])
    if not parent.is_dir():
        raise InputError(
            [
                Problem(
                    str(out), f"the folder {parent} does not exist", "create it or choose another"
                )
            ]
        )
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(
            [Problem(str(out), "cannot be written here", "choose a folder you can write to")]
        )


def _write(out: Path, body: bytes) -> None:
    try:
        out.write_bytes(body)
    except OSError as exc:
        raise InputError(
            [Problem(str(out), f"cannot be written ({exc.strerror})", "choose another --out")]
        ) from None


@contextmanager
def _app_context() -> Iterator[Any]:
    """The app's context, for the database: made only by the commands that need it."""
    info = click.get_current_context().ensure_object(ScriptInfo)
    app = info.load_app()
    with app.app_context():
        yield app


def _round(round_id: int) -> Any:
    from sqlalchemy.exc import SQLAlchemyError

    from survey.store.database import db
    from survey.store.models import Round

    try:
        round_ = db.session.get(Round, round_id)
    except SQLAlchemyError as exc:  # no database yet, or not migrated
        raise InputError(
            [
                Problem(
                    "database",
                    f"cannot read rounds ({type(getattr(exc, 'orig', None) or exc).__name__})",
                    "check DATABASE_URL and run `survey db upgrade`",
                )
            ]
        ) from None
    if round_ is None:
        raise InputError(
            [Problem("--round", f"no round with id {round_id}", "check the id on the round's page")]
        )
    return round_


def _unknown_partner(exc: Any, minimum: int) -> InputError:
    hint = f"use one of: {', '.join(exc.known)}" if exc.known else "the round has no partners"
    if minimum > 1:
        hint += (
            f" (partners with fewer than {minimum} respondents are pooled and have no copy "
            "of their own)"
        )
    return InputError([Problem("--partner", f"no partner named '{exc.name}' in the report", hint)])


@click.command("report")
@round_option
@questionnaire_option("Files mode: the instrument (YAML).")
@click.option(
    "--partners",
    "-p",
    "partners_path",
    type=click.Path(path_type=Path),
    help="Files mode: partners.csv.",
)
@click.option(
    "--responses",
    "-r",
    "responses_path",
    type=click.Path(path_type=Path),
    help="Files mode: responses.csv.",
)
@out_option("The PDF file to write.")
@lang_option
@click.option(
    "--partner",
    "partner",
    default=None,
    help="Make this partner's copy: it against the partnership, no other partner named.",
)
@size_option
@click.option(
    "--name",
    "partnership_name",
    default=None,
    help="Files mode: the partnership's name for the cover (default: the folder's).",
)
@click.option("--round-name", default="", help="Files mode: the round's name for the cover.")
@click.option("--author", default="", help="Files mode: who prepared the report.")
@reports_input_errors(exit_code=2)
def report_command(
    round_id: int | None,
    questionnaire_path: Path | None,
    partners_path: Path | None,
    responses_path: Path | None,
    out: Path,
    lang: str | None,
    partner: str | None,
    page_size: str,
    partnership_name: str | None,
    round_name: str,
    author: str,
) -> None:
    """Write a round's PDF report: from the database (--round) or from CSV files."""
    from reports.content import UnknownPartner

    files = (questionnaire_path, partners_path, responses_path)
    if round_id is not None and any(files):
        raise InputError(
            [
                Problem(
                    "--round",
                    "given with --questionnaire/--partners/--responses",
                    "use --round for a round in the database, or the three files, not both",
                )
            ]
        )
    if round_id is None and not all(files):
        raise InputError(
            [
                Problem(
                    "survey report",
                    "no input",
                    "give --round ID, or all of --questionnaire, --partners and --responses",
                )
            ]
        )
    _check_out(out)
    page_size = page_size.lower()
    if round_id is not None:
        from survey.web.printed_reports import round_pdf

        with _app_context():
            round_ = _round(round_id)
            _check_language(lang, round_.instrument_yaml)
            try:
                body = round_pdf(round_, lang, partner=partner, page_size=page_size)
            except UnknownPartner as exc:
                raise _unknown_partner(exc, round_.partnership.min_group_size) from None
    else:
        details = {"partnership": partnership_name, "round": round_name, "author": author}
        body = _files_pdf(files, lang, partner, page_size, details)  # type: ignore[arg-type]
    _write(out, body)
    click.echo(f"Wrote {out} ({len(body) // 1024} KB).")


def _check_language(lang: str | None, instrument_yaml: str) -> None:
    from survey.core.instruments import pinned

    languages = pinned(instrument_yaml).languages
    if lang is not None and lang not in languages:
        raise InputError(
            [
                Problem(
                    "--lang",
                    f"'{lang}' is not one of the instrument's languages",
                    f"use one of: {', '.join(languages)}",
                )
            ]
        )


def _files_pdf(
    files: tuple[Path, Path, Path],
    lang: str | None,
    partner: str | None,
    page_size: str,
    given: dict[str, str | None],
) -> bytes:
    from reports.content import ReportDetails, UnknownPartner
    from reports.pdf import render_partnership_report
    from survey.core.csv_input import load_round_files
    from survey.core.questionnaire import load_questionnaire
    from survey.core.scoring import score

    questionnaire_path, partners_path, responses_path = files
    questionnaire = load_questionnaire(questionnaire_path)
    if lang is not None and lang not in questionnaire.languages:
        raise InputError(
            [
                Problem(
                    "--lang",
                    f"'{lang}' is not one of the instrument's languages",
                    f"use one of: {', '.join(questionnaire.languages)}",
                )
            ]
        )
    partners, answers = load_round_files(questionnaire, partners_path, responses_path)
    report = score(questionnaire, partners, answers, lang)
    name = given["partnership"] or responses_path.resolve().parent.name or "Partnership"
    details = ReportDetails(
        partnership=name, round=given["round"] or "", author=given["author"] or ""
    )
    try:
        return render_partnership_report(report, details, partner=partner, page_size=page_size)  # type: ignore[arg-type]
    except UnknownPartner as exc:
        raise _unknown_partner(exc, 1) from None


@click.command("symposium-pack")
@click.option(
    "--round",
    "round_ids",
    type=int,
    multiple=True,
    required=True,
    help="A round to include (repeat for each; in this order).",
)
@out_option("The ZIP file to write.")
@click.option("--lang", default=None, help="en or fr (default: each instrument's first language).")
@size_option
@reports_input_errors(exit_code=2)
def symposium_pack_command(
    round_ids: tuple[int, ...], out: Path, lang: str | None, page_size: str
) -> None:
    """Write a ZIP of the chosen rounds' reports, with an index, showing progress."""
    from reports.pack import pack_chunks
    from survey.web.printed_reports import pack_items, pdf_cache, pdf_workers

    _check_out(out)
    with _app_context():
        rounds = [_round(round_id) for round_id in dict.fromkeys(round_ids)]
        for round_ in rounds:
            _check_language(lang, round_.instrument_yaml)
        total = len(rounds)
        with click.progressbar(
            length=total + 1, label="Building reports", show_pos=True, file=sys.stderr
        ) as bar:

            def progress(done: int, _total: int, _name: str) -> None:
                bar.update(done - bar.pos)

            chunks = pack_chunks(
                pack_items([r.id for r in rounds], lang),
                total,
                page_size=page_size.lower(),
                language=lang,
                progress=progress,
                workers=pdf_workers(),
                cache=pdf_cache(),
            )
            body = b"".join(chunks)
    _write(out, body)
    click.echo(f"Wrote {out}: {total} report(s) and an index ({len(body) // 1024} KB).")


@click.command("paper-form")
@round_option
@questionnaire_option("No round: print this instrument (YAML) as it is.")
@out_option("The PDF file to write.")
@lang_option
@click.option(
    "--partner",
    "partner",
    default=None,
    help="Print this partner's name on the form (default: a line to write it on).",
)
@size_option
@click.option(
    "--name", "partnership_name", default="", help="--questionnaire only: the partnership's name."
)
@click.option("--round-name", default="", help="--questionnaire only: the round's name.")
@reports_input_errors(exit_code=2)
def paper_form_command(
    round_id: int | None,
    questionnaire_path: Path | None,
    out: Path,
    lang: str | None,
    partner: str | None,
    page_size: str,
    partnership_name: str,
    round_name: str,
) -> None:
    """Write a printable questionnaire (PDF) with boxes to tick: a round's, or an instrument's."""
    if (round_id is None) == (questionnaire_path is None):
        raise InputError(
            [
                Problem(
                    "survey paper-form",
                    "both --round and --questionnaire" if round_id else "no input",
                    "give --round ID for a round in the database, or --questionnaire FILE",
                )
            ]
        )
    if round_id is not None and (partnership_name or round_name):
        raise InputError(
            [
                Problem(
                    "--name" if partnership_name else "--round-name",
                    "given with --round",
                    "the round's own names are printed; leave it out",
                )
            ]
        )
    _check_out(out)
    page_size = page_size.lower()
    if round_id is not None:
        from survey.web.printed_forms import round_form_pdf

        with _app_context():
            round_ = _round(round_id)
            _check_language(lang, round_.instrument_yaml)
            if partner is not None:
                _check_partner(partner, [p.name for p in round_.partnership.partners])
            body = round_form_pdf(round_, lang, partner=partner, page_size=page_size)
    else:
        from reports.paper import FormDetails, render_paper_form
        from survey.core.questionnaire import load_questionnaire

        questionnaire = load_questionnaire(questionnaire_path)  # type: ignore[arg-type]
        _check_language(lang, questionnaire.source_text)
        details = FormDetails(partnership=partnership_name, partner=partner or "", round=round_name)
        body = render_paper_form(
            questionnaire, lang or questionnaire.default_language, details, page_size=page_size
        )
    _write(out, body)
    click.echo(f"Wrote {out} ({len(body) // 1024} KB).")


def _check_partner(partner: str, names: list[str]) -> None:
    if partner not in names:
        hint = f"use one of: {', '.join(names)}" if names else "the partnership has no partners"
        raise InputError(
            [Problem("--partner", f"no partner named '{partner}' in the partnership", hint)]
        )
