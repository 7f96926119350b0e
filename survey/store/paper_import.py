"""Paper mode: answers typed in from paper forms, imported into a round from a CSV file.

The file has the columns ``survey score`` reads: ``respondent,partner,<question ids>``, with the
partner named as the partnership lists it. Every row is checked before anything is stored,
every problem is reported with its row and column, and the file is stored in one transaction
or not at all.

Importing the same file again stores nothing new: a respondent id (stored as the response's
label) already imported with the same partner and answers is skipped. One already imported
with another partner or other answers refuses the whole file: overwriting would silently change
scores that may already have been discussed, and a mistyped id would replace someone else's
answers. The database holds one response per (round, label), so that two imports of the same
file at once cannot both store a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.core.answers import codec_for
from survey.core.csv_input import ParsedResponse, check_responses
from survey.core.problems import InputError, Problem
from survey.core.questionnaire import Questionnaire
from survey.core.scoring import PartnerInfo
from survey.store.database import db
from survey.store.models import Answer, Partner, Response, Round, new_token, utcnow
from survey.store.round_scores import partner_infos, questionnaire_of

LABEL_MAX = 100  # the width of Response.label
# The rows a file may hold: far more forms than a partnership gathers in a round, and a bound
# on what an import holds in memory (docs/performance.md, "Paper imports").
MAX_IMPORT_ROWS = 10_000
PARTNER_LIST = "the partnership's partners"
PARTNER_HINT = "use a partner's name exactly as the partnership lists it (see the list of partners)"
SAME_ID_HINT = "give it another id, or remove the row"


@dataclass(frozen=True)
class PaperResponse:
    """One row of the file as it will be stored: answers as the web form stores them."""

    line: int
    label: str
    partner: str
    values: dict[str, str]  # question id -> stored string


@dataclass(frozen=True)
class StoredPaper:
    """A paper response the round already holds."""

    partner: str
    values: Mapping[str, str]


@dataclass(frozen=True)
class ImportPlan:
    new: list[PaperResponse]
    already_there: int


@dataclass(frozen=True)
class ImportResult:
    imported: int
    already_there: int


def _located(
    source: str, row: ParsedResponse, column: str | None, message: str, hint: str
) -> Problem:
    text = f"column '{column}': {message}" if column else message
    return Problem(source, text, hint, row.line)


def _row_problems(row: ParsedResponse, source: str) -> list[Problem]:
    """What the database could not hold: ids over the column's width, NUL characters."""
    problems = []
    if len(row.respondent) > LABEL_MAX:
        problems.append(
            _located(
                source,
                row,
                "respondent",
                f"{len(row.respondent)} characters, over the limit of {LABEL_MAX}",
                "use a shorter id",
            )
        )
    if "\x00" in row.respondent:
        problems.append(
            _located(source, row, "respondent", "contains a NUL character", "retype the id")
        )
    for question_id, value in row.answers.items():
        if isinstance(value, str) and "\x00" in value:
            problems.append(
                _located(source, row, question_id, "contains a NUL character", "retype the answer")
            )
    return problems


def plan_import(
    questionnaire: Questionnaire,
    partners: list[PartnerInfo],
    stored: Mapping[str, StoredPaper],
    data: str | bytes,
    source: str,
) -> ImportPlan:
    """Check every row of the file against the instrument, the partners and the paper responses
    the round already holds (``stored``, by label); return what to store and how many rows are
    already there, or raise InputError with every problem of every row."""
    rows, problems = check_responses(
        questionnaire, partners, data, source, PARTNER_LIST, PARTNER_HINT, MAX_IMPORT_ROWS
    )
    questions = questionnaire.question_by_id
    codec = codec_for(questionnaire)
    new: list[PaperResponse] = []
    already_there = 0
    encoded: dict[tuple[str, Any], str] = {}
    for row in rows:
        row_problems = _row_problems(row, source)
        problems.extend(row_problems)
        if not row.valid or row_problems:
            continue
        values = {}
        for question_id, value in row.answers.items():
            if value is None or value == ():
                continue
            key = (question_id, value)  # answers repeat: encode each distinct one once
            if key not in encoded:
                encoded[key] = codec.encode(questions[question_id], value)
            values[question_id] = encoded[key]
        if not values:
            problems.append(
                _located(
                    source,
                    row,
                    None,
                    "the row has no answers",
                    "type in the answers from the paper form, or remove the row",
                )
            )
            continue
        existing = stored.get(row.respondent)
        if existing is None:
            new.append(PaperResponse(row.line, row.respondent, row.partner, values))
        elif existing.partner != row.partner:
            problems.append(
                _located(
                    source,
                    row,
                    "respondent",
                    f"respondent '{row.respondent}' was already imported for {existing.partner}",
                    SAME_ID_HINT,
                )
            )
        elif dict(existing.values) != values:
            problems.append(
                _located(
                    source,
                    row,
                    "respondent",
                    f"respondent '{row.respondent}' was already imported with other answers",
                    SAME_ID_HINT,
                )
            )
        else:
            already_there += 1
    if problems:
        # The partners' names once, not in each problem: a file of 50,000 rows naming an
        # unknown partner made a 214 MB page when every problem repeated them (issue 15).
        names = ", ".join(p.name for p in partners)
        raise problems.error(note=f"{PARTNER_LIST.capitalize()}: {names}.")
    return ImportPlan(new, already_there)


# -- the database -------------------------------------------------------------------------


def stored_paper(round_id: int, partners: list[Partner]) -> dict[str, StoredPaper]:
    """The round's paper responses by label, with their partner's name and stored answers."""
    names = {p.id: p.name for p in partners}
    labelled = (Response.round_id == round_id) & Response.label.is_not(None)
    responses = {
        response_id: (label, partner_id)
        for response_id, label, partner_id in db.session.execute(
            select(Response.id, Response.label, Response.partner_id).where(labelled)
        )
    }
    values: dict[int, dict[str, str]] = {response_id: {} for response_id in responses}
    for response_id, question_id, value in db.session.execute(
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(labelled)
    ):
        values[response_id][question_id] = value
    return {
        str(label): StoredPaper(names.get(partner_id, ""), values[response_id])
        for response_id, (label, partner_id) in responses.items()
    }


STORE_CHUNK = 500  # forms inserted per statement pair: bounds the rows built at once


def _store(
    round_id: int, language: str, partners: list[Partner], rows: list[PaperResponse]
) -> None:
    """Insert the responses and their answers, then commit: two executemany statements per
    chunk of forms, not one ORM object per answer (3,000 forms of 40 answers: about 2 s on
    SQLite, 6 s on PostgreSQL). Chunks keep the parameter lists small (10,000 forms would
    otherwise build 400,000 answer dicts at once); it is still one transaction."""
    now = utcnow()
    partner_ids = {p.name: p.id for p in partners}
    responses = Response.__table__
    for start in range(0, len(rows), STORE_CHUNK):
        chunk = rows[start : start + STORE_CHUNK]
        response_ids = db.session.scalars(
            insert(responses).returning(responses.c.id, sort_by_parameter_order=True),
            [
                {
                    "round_id": round_id,
                    "partner_id": partner_ids[row.partner],
                    "invitation_id": None,
                    "resume_token": new_token(),
                    "language": language,
                    "source": "paper",
                    "label": row.label,
                    "started_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                }
                for row in chunk
            ],
        ).all()
        answers = [
            {"response_id": response_id, "question_id": question_id, "value": value}
            for response_id, row in zip(response_ids, chunk, strict=True)
            for question_id, value in row.values.items()
        ]
        if answers:
            db.session.execute(insert(Answer.__table__), answers)
    db.session.commit()


def import_paper(round_: Round, data: str | bytes, source: str) -> ImportResult:
    """Store a file of paper answers in the round: every row or none.

    Raises InputError with every problem found. Works whatever the round's status: paper forms
    often arrive after the online survey has closed.
    """
    round_id, partnership_id = round_.id, round_.partnership_id
    questionnaire = questionnaire_of(round_)
    for attempt in range(2):
        partners = list(
            db.session.scalars(
                select(Partner)
                .where(Partner.partnership_id == partnership_id)
                .order_by(Partner.position, Partner.id)
            )
        )
        plan = plan_import(
            questionnaire, partner_infos(partners), stored_paper(round_id, partners), data, source
        )
        try:
            _store(round_id, questionnaire.default_language, partners, plan.new)
        except IntegrityError:
            # Another import stored some of these respondents first: look again at the round.
            db.session.rollback()
            if attempt:
                raise InputError(
                    [
                        Problem(
                            source,
                            "the round changed while the file was being imported",
                            "import the file again",
                        )
                    ]
                ) from None
            continue
        return ImportResult(len(plan.new), plan.already_there)
    raise AssertionError("unreachable")  # pragma: no cover
