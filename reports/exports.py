"""Exports: a round's raw responses and its score report as CSV and XLSX files.

Pure functions from plain data to file bytes; no Flask here. Raw responses come in as
:class:`RawResponse` rows (the view builds them from the round's submitted responses, with each
partner's *shown* name, so that pooled partners stay pooled); scores come from the score report
only, never from the database.

Every cell goes through :func:`neutralise`: text that a spreadsheet would read as a formula
(``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``, as the OWASP guidance on
CSV injection recommends, while genuine numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from survey.core.answers import codec_for
from survey.core.questionnaire import NA, Question, Questionnaire

FORMULA_PREFIXES = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    # Full-width forms: some spreadsheets (LibreOffice with Asian input, Excel in CJK
    # locales) fold them to their ASCII twins when a cell is read, formula included.
    "\uff1d",  # ＝
    "\uff0b",  # ＋
    "\uff0d",  # －
    "\uff20",  # ＠
)

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RESPONSE_COLUMNS = ("respondent", "partner", "language", "source", "submitted_at")
SCORE_COLUMNS = ("partner", "lead", "respondents", "invited", "response_rate")

# The first row of the scores table: the partnership as a whole.
ALL_PARTNERS = {"en": "All partners", "fr": "Tous les partenaires"}
YES_NO = {"en": ("yes", "no"), "fr": ("oui", "non")}

Value = str | int | float | None


def neutralise(value: Any) -> Value:
    """A cell value that no spreadsheet will run: numbers as numbers, text made inert.

    Text starting with ``=``, ``+``, ``-``, ``@`` (or their full-width forms ``＝ ＋ － ＠``),
    a tab or a carriage return is prefixed with a single quote. ``None``, NaN and infinities
    become empty cells.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


@dataclass
class Table:
    """A header and rows of plain values; ``formats`` maps a column name to an Excel format."""

    header: list[str]
    rows: list[list[Any]]
    formats: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Raw responses


@dataclass(frozen=True)
class RawResponse:
    """One submitted response: ``partner`` is the name it is shown under (possibly pooled)."""

    respondent: int | str  # the response's id, never a person's name
    partner: str
    language: str
    source: str  # web | paper
    submitted_at: datetime | None
    values: Mapping[str, str]  # question id -> stored string


def iso8601(moment: datetime | None) -> str | None:
    """UTC, to the second; naive times (SQLite drops the zone) are stored in UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def responses_table(
    questionnaire: Questionnaire,
    responses: Iterable[RawResponse],
    labels_in: str | None = None,
) -> Table:
    """One row per respondent, one column per question in questionnaire order.

    With ``labels_in``, answers are option labels in that language instead of values.
    """
    questions = list(questionnaire.questions())
    codec = codec_for(questionnaire)
    # Choice answers repeat: convert each distinct (question, stored value) once.
    seen: dict[tuple[str, str], Any] = {}

    def convert(question: Question, stored: str | None) -> Any:
        if stored is None or question.type == "text":
            return stored if stored and stored.strip() else None
        key = (question.id, stored)
        if key not in seen:
            if labels_in is None:
                seen[key] = codec.export_value(question, stored)
            else:
                seen[key] = codec.export_label(question, stored, labels_in)
        return seen[key]

    rows = []
    for response in responses:
        row: list[Any] = [
            response.respondent,
            response.partner,
            response.language,
            response.source,
            iso8601(response.submitted_at),
        ]
        row.extend(convert(question, response.values.get(question.id)) for question in questions)
        rows.append(row)
    return Table([*RESPONSE_COLUMNS, *(q.id for q in questions)], rows)


def questions_table(questionnaire: Questionnaire, language: str) -> Table:
    """The codebook: each question's id, section, type, dimension, wording and options."""
    yes, no = YES_NO.get(language, YES_NO["en"])
    rows = []
    for section in questionnaire.sections:
        for question in section.questions:
            options = [
                f"{o.value}={questionnaire.text(o.label, language)}"
                for o in questionnaire.options_of(question)
            ]
            na = questionnaire.na_of(question)
            if na is not None:
                options.append(f"{NA}={questionnaire.text(na.label, language)}")
            rows.append(
                [
                    question.id,
                    section.id,
                    question.type,
                    question.dimension,
                    (yes if question.reverse else no) if question.dimension else None,
                    questionnaire.text(question.text, language),
                    "; ".join(options) or None,
                ]
            )
    return Table(
        ["id", "section", "type", "dimension", "reverse", "text", "options"],
        rows,
    )


def responses_csv(questionnaire: Questionnaire, responses: Iterable[RawResponse]) -> bytes:
    return to_csv(responses_table(questionnaire, responses))


def responses_xlsx(
    questionnaire: Questionnaire, responses: Sequence[RawResponse], language: str
) -> bytes:
    """Sheets Responses (values), Labels (option labels in ``language``) and Questions."""
    return to_xlsx(
        [
            ("Responses", responses_table(questionnaire, responses)),
            ("Labels", responses_table(questionnaire, responses, labels_in=language)),
            ("Questions", questions_table(questionnaire, language)),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Scores: from the score report only


def _number(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def scores_table(report: Mapping[str, Any]) -> Table:
    """The partnership, then each partner (as the report names them, pooled or not):
    respondents, invitations, response rate, a score per dimension, then a band per dimension."""
    language = report.get("language", "en")
    yes, no = YES_NO.get(language, YES_NO["en"])
    dims = [d["id"] for d in report["dimensions"]]
    whole = report["partnership"]
    rows = [
        [
            ALL_PARTNERS.get(language, ALL_PARTNERS["en"]),
            None,
            whole["respondents"],
            whole["invited"],
            _number(whole["response_rate"]),
            *(_number(whole["scores"].get(d)) for d in dims),
            *(whole["bands"].get(d) for d in dims),
        ]
    ]
    for partner in report["partners"]:
        rows.append(
            [
                partner["partner"],
                yes if partner["lead"] else no,
                partner["respondents"],
                partner["invited"],
                _number(partner["response_rate"]),
                *(_number(partner["scores"].get(d)) for d in dims),
                *(partner["bands"].get(d) for d in dims),
            ]
        )
    formats = {"response_rate": "0%"} | {d: "0.00" for d in dims}
    return Table([*SCORE_COLUMNS, *dims, *(f"{d}_band" for d in dims)], rows, formats)


def flags_table(report: Mapping[str, Any]) -> Table:
    rows = [
        [
            flag["rule"],
            flag["severity"],
            flag.get("dimension"),
            "; ".join(flag.get("partners") or []) or None,
            flag.get("evidence"),
            flag.get("recommendation"),
        ]
        for flag in report["flags"]
    ]
    return Table(["rule", "severity", "dimension", "partners", "evidence", "recommendation"], rows)


def spread_table(report: Mapping[str, Any]) -> Table:
    rows = []
    for dimension in report["dimensions"]:
        spread = report["spread"].get(dimension["id"]) or {}
        rows.append(
            [
                dimension["id"],
                _number(spread.get("sd")),
                _number(spread.get("min")),
                _number(spread.get("max")),
                spread.get("partners", 0),
            ]
        )
    formats = {"sd": "0.00", "min": "0.00", "max": "0.00"}
    return Table(["dimension", "sd", "min", "max", "partners"], rows, formats)


def scores_csv(report: Mapping[str, Any]) -> bytes:
    return to_csv(scores_table(report))


def scores_xlsx(report: Mapping[str, Any]) -> bytes:
    """Sheets Scores, Flags and Spread."""
    return to_xlsx(
        [
            ("Scores", scores_table(report)),
            ("Flags", flags_table(report)),
            ("Spread", spread_table(report)),
        ]
    )


# ---------------------------------------------------------------------------------------------
# Writers


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), CRLF line ends, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in table.header])
    for row in table.rows:
        writer.writerow([neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_WIDTH_SAMPLE = 500  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _widths(table: Table) -> list[float]:
    widths = [len(str(h)) for h in table.header]
    for row in table.rows[:_WIDTH_SAMPLE]:
        for i, value in enumerate(row):
            if value is not None and i < len(widths):
                longest = max((len(line) for line in str(value).splitlines()), default=0)
                widths[i] = max(widths[i], longest)
    return [min(max(w + 2, _MIN_WIDTH), _MAX_WIDTH) for w in widths]


def _xlsx_value(
    sheet: Any, value: Any, number_format: str | None = None, bold: bool = False
) -> Any:
    value = neutralise(value)
    if isinstance(value, str):
        # Control characters would break the file; a lone CR would come back as LF anyway.
        value = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    if (
        not bold
        and number_format is None
        and not (isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES))
    ):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, never a formula or an error code such as "#N/A"
    if number_format is not None and isinstance(value, int | float):
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def to_xlsx(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """A workbook with one sheet per table: bold, frozen header row and sized columns."""
    workbook = Workbook(write_only=True)
    for title, table in sheets:
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.append([_xlsx_value(sheet, h, bold=True) for h in table.header])
        formats = [table.formats.get(h) for h in table.header]
        for row in table.rows:
            sheet.append(
                [
                    _xlsx_value(sheet, v, formats[i] if i < len(formats) else None)
                    for i, v in enumerate(row)
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def safe_filename(name: str, round_id: int, kind: str, extension: str) -> str:
    """An ASCII file name from the round's name: ``spring-2025-12-responses.csv``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'round'}-{round_id}-{kind}.{extension}"
