"""Reading ``partners.csv`` and ``responses.csv`` (for ``survey score`` and paper imports).

Every row is checked before anything is used, and every problem is reported as
``FILE:ROW: column 'X': what was found — how to fix it``, where ROW is the line of the file
(the header is row 1). Nothing here imports Flask.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.core.answers import codec_for
from survey.core.problems import InputError, Problem, Problems
from survey.core.questionnaire import ROLE_CONTINUUM, Questionnaire
from survey.core.scoring import AnswerSet, AnswerSetBuilder, PartnerInfo

PARTNER_COLUMNS = ("partner", "sector", "lead", "role", "invited")
MAX_CSV_BYTES = 50_000_000
_YES = {"yes", "y", "true", "1", "oui", "o"}
_NO = {"no", "n", "false", "0", "non", ""}


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]


def read_rows(
    data: str | bytes, source: str, required: tuple[str, ...], max_rows: int | None = None
) -> tuple[list[str], list[Row]]:
    """Parse CSV text into rows keyed by header, or raise with every structural problem.

    With ``max_rows``, a file with more rows is refused as soon as the row after the last
    allowed one is read: its rows are never all held in memory."""
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise InputError([Problem(source, "file is over 50 MB", "split it into several files")])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                [
                    Problem(
                        source, f"not UTF-8 text (byte {exc.start})", "save the file as CSV UTF-8"
                    )
                ]
            ) from None
    data = data.removeprefix("\ufeff")
    if not data.strip():
        raise InputError(
            [Problem(source, "the file is empty", f"start with a header row: {','.join(required)}")]
        )
    reader = csv.reader(io.StringIO(data, newline=""), strict=True)
    problems = Problems()
    rows: list[Row] = []
    start = 1  # the line where the record being read starts: where a bad quote opened
    try:
        header = [h.strip() for h in next(reader)]
        for name in required:
            if name not in header:
                problems.append(
                    Problem(
                        source, f"no '{name}' column", f"add a '{name}' column to the header row", 1
                    )
                )
        seen: set[str] = set()
        for i, name in enumerate(header):
            if not name:
                problems.append(
                    Problem(source, f"column {i + 1} has no name", "name it in the header row", 1)
                )
            elif name in seen:
                problems.append(Problem(source, f"column '{name}' appears twice", "keep one", 1))
            seen.add(name)
        start = reader.line_num + 1
        for cells in reader:
            line = start
            start = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines, as spreadsheets leave at the end
            if max_rows is not None and len(rows) >= max_rows:
                raise InputError(
                    [
                        Problem(
                            source,
                            f"the file has more than {max_rows:,} rows of answers",
                            f"split it into files of {max_rows:,} rows or fewer, each with the "
                            "header row, and import them one after the other",
                            line,
                        )
                    ]
                )
            if len(cells) > len(header):
                problems.append(
                    Problem(
                        source,
                        f"{len(cells)} cells but the header has {len(header)} columns "
                        f"(extra: {_shortened(cells[len(header) :])})",
                        "quote cells that contain commas, or remove the extra cells",
                        line,
                    )
                )
                continue
            padded = cells + [""] * (len(header) - len(cells))
            rows.append(Row(line, dict(zip(header, padded, strict=True))))
    except csv.Error as exc:
        problems.append(
            Problem(source, f"malformed CSV ({exc})", "check the quotes on this row", start)
        )
    if problems:
        raise problems.error()
    return header, rows


def _shortened(cells: list[str], limit: int = 200) -> str:
    """Extra cells for a message: a row of 10,000 stray cells must not make a 1 MB message."""
    text = ", ".join(repr(c) for c in cells)
    return text if len(text) <= limit else text[:limit] + f"… ({len(cells)} cells)"


def _cell_problem(source: str, row: Row, column: str, message: str, hint: str) -> Problem:
    return Problem(source, f"column '{column}': {message}", hint, row.line)


def parse_partners(data: str | bytes, source: str = "partners.csv") -> list[PartnerInfo]:
    """Parse partners.csv (partner,sector,lead,role,invited) into PartnerInfo."""
    _, rows = read_rows(data, source, ("partner",))
    problems = Problems()
    partners: list[PartnerInfo] = []
    seen: dict[str, int] = {}
    for row in rows:
        name = row.cells.get("partner", "").strip()
        if not name:
            problems.append(_cell_problem(source, row, "partner", "empty", "name the organisation"))
            continue
        if name in seen:
            problems.append(
                _cell_problem(
                    source,
                    row,
                    "partner",
                    f"'{name}' is listed twice (first on row {seen[name]})",
                    "list each partner once",
                )
            )
            continue
        seen[name] = row.line
        lead_text = row.cells.get("lead", "").strip().lower()
        if lead_text not in _YES | _NO:
            problems.append(
                _cell_problem(
                    source, row, "lead", f"'{lead_text}' is not yes or no", "write yes or no"
                )
            )
        role = row.cells.get("role", "").strip().lower() or None
        if role is not None and role not in ROLE_CONTINUUM:
            problems.append(
                _cell_problem(
                    source,
                    row,
                    "role",
                    f"'{role}' is not a role on the continuum",
                    f"write one of {', '.join(ROLE_CONTINUUM)}, or leave it blank",
                )
            )
        invited_text = row.cells.get("invited", "").strip()
        invited: int | None = None
        if invited_text:
            try:
                invited = int(invited_text)
                if invited < 0:
                    raise ValueError
            except ValueError:
                problems.append(
                    _cell_problem(
                        source,
                        row,
                        "invited",
                        f"'{invited_text}' is not a count",
                        "write a whole number of people invited (0 or more), or leave it blank",
                    )
                )
        partners.append(
            PartnerInfo(
                name=name,
                sector=row.cells.get("sector", "").strip(),
                lead=lead_text in _YES,
                role=role,
                invited=invited,
            )
        )
    if problems:
        raise problems.error()
    return partners


@dataclass(frozen=True)
class ParsedResponse:
    """One row of responses.csv, validated."""

    line: int
    respondent: str
    partner: str
    answers: dict[str, Any]
    valid: bool = True  # False: the row has a problem (its valid answers are kept)


def parse_responses(
    questionnaire: Questionnaire,
    partners: list[PartnerInfo],
    data: str | bytes,
    source: str = "responses.csv",
    partner_list: str = "the partners file",
) -> list[ParsedResponse]:
    """Parse and check every row of responses.csv; raise with all problems, or return all rows."""
    parsed, problems = check_responses(questionnaire, partners, data, source, partner_list)
    if problems:
        raise problems.error()
    return parsed


def check_responses(
    questionnaire: Questionnaire,
    partners: list[PartnerInfo],
    data: str | bytes,
    source: str = "responses.csv",
    partner_list: str = "the partners file",
    partner_hint: str | None = None,
    max_rows: int | None = None,
) -> tuple[list[ParsedResponse], Problems]:
    """Every row of responses.csv with every problem found, for callers that add checks of their
    own (paper imports) and report them all together. A row with a problem keeps its valid
    answers. ``partner_list`` names where partner names come from and ``partner_hint`` says how
    to fix an unknown one, for the messages.

    Structural problems (encoding, header, over ``max_rows`` rows) still raise InputError:
    there are no rows to check.
    """
    header, rows = read_rows(data, source, ("respondent", "partner"), max_rows)
    problems = Problems()
    questions = questionnaire.question_by_id
    codec = codec_for(questionnaire)
    for name in header:
        if name not in {"respondent", "partner"} and name not in questions:
            problems.append(
                Problem(
                    source,
                    f"column '{name}' is not a question of {questionnaire.id}",
                    "rename it to a question id from the questionnaire, or remove the column",
                    1,
                )
            )
    if problems:
        raise problems.error()
    partner_names = {p.name for p in partners}
    seen: dict[str, int] = {}
    parsed: list[ParsedResponse] = []
    for row in rows:
        before = problems.total
        respondent = row.cells["respondent"].strip()
        partner = row.cells["partner"].strip()
        if not respondent:
            problems.append(
                _cell_problem(source, row, "respondent", "empty", "give each row an id")
            )
        elif respondent in seen:
            problems.append(
                _cell_problem(
                    source,
                    row,
                    "respondent",
                    f"'{respondent}' appears twice (first on row {seen[respondent]})",
                    "give each respondent one row",
                )
            )
        else:
            seen[respondent] = row.line
        if partner not in partner_names:
            problems.append(
                _cell_problem(
                    source,
                    row,
                    "partner",
                    f"'{partner}' is not in {partner_list}",
                    partner_hint or f"use a partner name exactly as {partner_list} spells it",
                )
            )
        answers: dict[str, Any] = {}
        for column, text in row.cells.items():
            question = questions.get(column)
            if question is None:
                continue
            value, error = codec.parse_cell(question, text)
            if error:
                problems.append(
                    _cell_problem(
                        source,
                        row,
                        column,
                        error,
                        f"use one of: {codec.choices_text(question)}"
                        if question.type != "text"
                        else "shorten the answer",
                    )
                )
            else:
                answers[column] = value
        parsed.append(
            ParsedResponse(row.line, respondent, partner, answers, problems.total == before)
        )
    return parsed, problems


def read_file(path: str | Path) -> bytes:
    """A file's bytes, or an InputError that names it."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), "no such file", "check the path")]) from None
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot read the file ({exc.strerror})", "name a readable file")]
        ) from None


def load_round_files(
    questionnaire: Questionnaire, partners_path: str | Path, responses_path: str | Path
) -> tuple[list[PartnerInfo], AnswerSet]:
    """Read both CSV files of a round gathered elsewhere into partners and answers."""
    partners = parse_partners(read_file(partners_path), str(partners_path))
    rows = parse_responses(questionnaire, partners, read_file(responses_path), str(responses_path))
    builder = AnswerSetBuilder(questionnaire, partners)
    for row in rows:
        builder.add(row.respondent, row.partner, row.answers)
    return partners, builder.build()


def iter_problems(error: InputError) -> Iterator[str]:
    for problem in error.problems:
        yield str(problem)
