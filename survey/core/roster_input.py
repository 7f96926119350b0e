"""A pasted or uploaded list of representatives, checked row by row: all or nothing.

One person per line: ``email``, or ``name, email``, or ``name, email, language`` (commas or
semicolons; a header line naming the columns is skipped). Every problem says its line and
column and how to fix it; with any problem, nothing is added. No Flask here.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from survey.core.problems import Problem

MAX_ROWS = 500
LANGUAGES = ("en", "fr")
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces. The
# mail server is the judge of the rest (a refused address shows as bounced).
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str
    language: str


def parse_roster(
    text: str, source: str = "list", default_language: str = "en"
) -> tuple[list[RosterRow], list[Problem]]:
    """The rows, or every problem (with any problem, use none of the rows)."""
    rows: list[RosterRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    lines = text.splitlines()
    if len(lines) > MAX_ROWS:
        return [], [
            Problem(
                source,
                f"{len(lines)} lines: at most {MAX_ROWS} at once",
                "split the list and add it in parts",
                line=len(lines),
            )
        ]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        delimiter = ";" if line.count(";") > line.count(",") else ","
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
        if number == 1 and any(c.lower() in ("email", "e-mail", "courriel") for c in cells):
            continue  # a header
        if len(cells) > 3:
            problems.append(
                Problem(
                    source,
                    f"{len(cells)} columns",
                    "write: name, email, language",
                    line=number,
                )
            )
            continue
        name, email, language = "", cells[-1], default_language
        if len(cells) >= 2:
            name, email = cells[0], cells[1]
        if len(cells) == 3:
            language = cells[2].lower() or default_language
        column = 1 if len(cells) == 1 else 2
        if not EMAIL.match(email) or len(email) > 254:
            problems.append(
                Problem(
                    source,
                    f"'{email}' is not an e-mail address",
                    "write it as name@example.org",
                    line=number,
                    column=column,
                )
            )
        elif email.lower() in seen:
            problems.append(
                Problem(
                    source,
                    f"{email} is already on line {seen[email.lower()]}",
                    "keep one of the two lines",
                    line=number,
                    column=column,
                )
            )
        if language not in LANGUAGES:
            problems.append(
                Problem(
                    source,
                    f"language '{language}'",
                    f"use {' or '.join(LANGUAGES)}",
                    line=number,
                    column=3,
                )
            )
        if len(name) > 200:
            problems.append(
                Problem(
                    source, "the name is over 200 characters", "shorten it", line=number, column=1
                )
            )
        seen.setdefault(email.lower(), number)
        rows.append(RosterRow(number, name, email.lower(), language))
    return ([] if problems else rows), problems
