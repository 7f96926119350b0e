"""Exports: raw responses and scores as CSV and XLSX, and the score report as JSON.

The first half tests reports.exports with plain data (no app); the second half downloads the
files as a facilitator and reads them back with the csv module and openpyxl.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import update

from reports.exports import (
    RawResponse,
    Table,
    neutralise,
    responses_csv,
    responses_table,
    responses_xlsx,
    safe_filename,
    scores_csv,
    scores_table,
    scores_xlsx,
    to_csv,
    to_xlsx,
)
from survey.core.questionnaire import parse_questionnaire
from survey.core.scoring import PartnerInfo, answer_set, score
from survey.store.database import db
from tests.helpers import INSTRUMENT, QUESTIONNAIRES, instrument, path_of, valid_value

PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\tX",
    "\rX",
]
# Full-width forms, which some spreadsheets fold to ASCII when reading a cell (issue 15).
FULL_WIDTH = [
    '\uff1dHYPERLINK("http://evil.example","click")',
    "\uff0b1",
    "\uff0d1+2",
    "\uff20SUM(A1)",
]
EVIL_PARTNER = "=cmd|' /C calc'!A0"


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(body: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body))


def sheet_rows(workbook: openpyxl.Workbook, name: str) -> list[tuple[Any, ...]]:
    return list(workbook[name].iter_rows(values_only=True))


def all_cells(workbook: openpyxl.Workbook) -> list[Any]:
    return [c.value for sheet in workbook for row in sheet.iter_rows() for c in row]


def xlsx_inert(expected_start: str, cell: Any) -> None:
    """A text cell, never a formula, whose text starts with a quote."""
    assert cell.data_type == "s", (cell.coordinate, cell.data_type, cell.value)
    assert isinstance(cell.value, str) and cell.value.startswith(expected_start), cell.value


# =============================================================================================
# Plain data, no app

MIXED = """
id: mixed
version: 1
languages: [en, fr]
title: {en: Mixed, fr: Mixte}
intro: {en: Intro, fr: Intro}
scales:
  agree:
    options:
      - {value: 1, label: {en: Disagree, fr: Pas d'accord}}
      - {value: 2, label: {en: Neutral, fr: Neutre}}
      - {value: 3, label: {en: Agree, fr: D'accord}}
    na: {label: {en: Don't know, fr: Je ne sais pas}}
dimensions:
  - {id: trust, title: {en: Trust, fr: Confiance}, description: {en: D, fr: D}}
sections:
  - id: s1
    title: {en: One, fr: Un}
    questions:
      - {id: t1, type: likert, scale: agree, dimension: trust, text: {en: T1, fr: T1}}
      - id: t2
        type: likert
        scale: agree
        dimension: trust
        reverse: true
        text: {en: "=T2", fr: "=T2"}
      - id: size
        type: single
        text: {en: Size, fr: Taille}
        options:
          - {value: 10, label: {en: Ten, fr: Dix}}
          - {value: big, label: {en: Big, fr: Grand}}
      - id: sectors
        type: multiple
        text: {en: Sectors, fr: Secteurs}
        options:
          - {value: police, label: {en: Police, fr: Police}}
          - {value: health, label: {en: Health, fr: Santé}}
      - {id: works, type: text, text: {en: "Works?", fr: "Ça marche?"}}
bands: {strength: 2.5, borderline: 1.5}
rules:
  power-imbalance: {enabled: false}
"""


@pytest.fixture(scope="module")
def mixed():
    return parse_questionnaire(MIXED)


@pytest.mark.parametrize(
    "payload", [*PAYLOADS, *FULL_WIDTH, "=1", "-", "+", "@", "\uff0d", EVIL_PARTNER]
)
def test_neutralise_prefixes_text_that_a_spreadsheet_would_run(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, 4),
        (3.5, 3.5),
        (-1, -1),  # a genuine number is not text: it stays a number
        (0, 0),
        (None, None),
        (math.nan, None),
        ("", ""),
        ("Police", "Police"),
        ("Santé publique", "Santé publique"),
        ("a=b", "a=b"),  # only a leading sign matters
        (" =1", " =1"),
        ("'quoted", "'quoted"),
    ],
)
def test_neutralise_keeps_numbers_and_plain_text(value, expected):
    result = neutralise(value)
    assert result == expected
    assert type(result) is type(expected)


def test_responses_table_values_then_labels(mixed):
    when = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    rows = [
        RawResponse(
            7,
            "Police",
            "fr",
            "web",
            when,
            {
                "t1": "3",
                "t2": "na",
                "size": "10",
                "sectors": "police;health",
                "works": "Good",
            },
        ),
        RawResponse(9, "Health", "en", "paper", datetime(2025, 4, 2, 10, 0), {"size": "big"}),
    ]
    table = responses_table(mixed, rows)
    assert table.header == [
        "respondent",
        "partner",
        "language",
        "source",
        "submitted_at",
        "t1",
        "t2",
        "size",
        "sectors",
        "works",
    ]
    assert table.rows[0] == [
        7,
        "Police",
        "fr",
        "web",
        "2025-04-01T09:30:00+00:00",
        3,
        "na",
        10,
        "police;health",
        "Good",
    ]
    # A naive time (SQLite drops the zone) is UTC; blanks are empty cells.
    assert table.rows[1] == [
        9,
        "Health",
        "en",
        "paper",
        "2025-04-02T10:00:00+00:00",
        None,
        None,
        "big",
        None,
        None,
    ]
    labels = responses_table(mixed, rows, labels_in="fr")
    assert labels.rows[0][5:] == ["D'accord", "Je ne sais pas", "Dix", "Police; Santé", "Good"]
    english = responses_table(mixed, rows, labels_in="en")
    assert english.rows[0][5:8] == ["Agree", "Don't know", "Ten"]


def test_stored_values_no_longer_in_the_instrument_are_kept_as_stored(mixed):
    rows = [RawResponse(1, "P", "en", "web", None, {"t1": "9", "size": "-huge"})]
    row = responses_table(mixed, rows).rows[0]
    assert row[4] is None and row[5] == "9" and row[7] == "-huge"
    assert read_csv(responses_csv(mixed, rows))[1][7] == "'-huge"


def test_csv_has_bom_crlf_quoting_and_numbers_unquoted():
    table = Table(
        ["name", "n", "note"],
        [["Santé, Québec", 4, 'said "hi"\nthen left'], ["=1+2", 2.5, None]],
    )
    body = to_csv(table)
    assert body.startswith(b"\xef\xbb\xbfname,n,note\r\n")
    assert b'"Sant\xc3\xa9, Qu\xc3\xa9bec",4,"said ""hi""\nthen left"\r\n' in body
    assert body.endswith(b"'=1+2,2.5,\r\n")
    assert read_csv(body) == [
        ["name", "n", "note"],
        ["Santé, Québec", "4", 'said "hi"\nthen left'],
        ["'=1+2", "2.5", ""],
    ]


def test_csv_neutralises_headers_too():
    assert read_csv(to_csv(Table(["=h"], [["x"]])))[0] == ["'=h"]


def test_xlsx_strings_are_never_formulas_and_the_header_is_bold_and_frozen():
    values = [*PAYLOADS, "#N/A", "bell\x07here", "plain", 4, 2.5, None]
    body = to_xlsx([("Data", Table(["=header", "n"], [[v, i] for i, v in enumerate(values)]))])
    sheet = read_xlsx(body)["Data"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["B1"].font.b
    xlsx_inert("'=header", sheet["A1"])
    for row, payload in enumerate(PAYLOADS, start=2):
        xlsx_inert("'", sheet.cell(row, 1))
        assert sheet.cell(row, 1).value == "'" + payload.replace("\r", "\n")
    assert sheet["A2"].value == "'" + PAYLOADS[0]
    assert (sheet["A8"].value, sheet["A8"].data_type) == ("#N/A", "s")  # text, not an error
    assert sheet["A9"].value == "bellhere"  # control characters would corrupt the file
    assert sheet["A10"].value == "plain"
    assert (sheet["A11"].value, sheet["A11"].data_type) == (4, "n")
    assert sheet["A12"].value == 2.5
    assert sheet["A13"].value is None and sheet["B13"].value == 11
    assert 8 <= sheet.column_dimensions["A"].width <= 60


def test_responses_xlsx_sheets_from_plain_data(mixed):
    rows = [RawResponse(3, "+Police", "en", "web", None, {"t1": "3", "works": "@me"})]
    workbook = read_xlsx(responses_xlsx(mixed, rows, "en"))
    assert workbook.sheetnames == ["Responses", "Labels", "Questions"]
    responses = sheet_rows(workbook, "Responses")
    assert responses[1][:6] == (3, "'+Police", "en", "web", None, 3)
    assert responses[1][9] == "'@me"
    assert sheet_rows(workbook, "Labels")[1][5] == "Agree"
    questions = sheet_rows(workbook, "Questions")
    assert questions[0] == ("id", "section", "type", "dimension", "reverse", "text", "options")
    assert questions[1] == (
        "t1",
        "s1",
        "likert",
        "trust",
        "no",
        "T1",
        "1=Disagree; 2=Neutral; 3=Agree; na=Don't know",
    )
    assert questions[2][4:6] == ("yes", "'=T2")
    assert questions[3][6] == "10=Ten; big=Big"


TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny.yaml"


@pytest.fixture(scope="module")
def plain_report():
    q = parse_questionnaire(TINY.read_text(encoding="utf-8"))
    partners = [
        PartnerInfo("Lead Org", lead=True, invited=4),
        PartnerInfo(EVIL_PARTNER, invited=2),
        PartnerInfo("Quiet", invited=None),
    ]
    rows = [
        ("r1", "Lead Org", {"t1": 4, "t2": 2, "p1": 5}),  # trust 4, power 5
        ("r2", "Lead Org", {"t1": 2, "t2": 4, "p1": 3}),  # trust 2, power 3
        ("r3", EVIL_PARTNER, {"t1": 1, "t2": 5, "p1": 1}),  # trust 1, power 1
    ]
    return score(q, partners, answer_set(q, partners, rows), "en")


def test_scores_table_from_a_plain_report(plain_report):
    table = scores_table(plain_report)
    assert table.header == [
        "partner",
        "lead",
        "respondents",
        "invited",
        "response_rate",
        "trust",
        "power_balance",
        "trust_band",
        "power_balance_band",
    ]
    assert table.rows == [
        ["All partners", None, 3, 6, 0.5, 2.0, 2.5, "concern", "concern"],
        ["Lead Org", "yes", 2, 4, 0.5, 3.0, 4.0, "borderline", "strength"],
        [EVIL_PARTNER, "no", 1, 2, 0.5, 1.0, 1.0, "concern", "concern"],
        ["Quiet", "no", 0, None, None, None, None, None, None],
    ]


def test_scores_csv_and_xlsx_from_a_plain_report(plain_report):
    rows = read_csv(scores_csv(plain_report))
    assert rows[1] == ["All partners", "", "3", "6", "0.5", "2.0", "2.5", "concern", "concern"]
    assert rows[3][0] == "'" + EVIL_PARTNER
    workbook = read_xlsx(scores_xlsx(plain_report))
    assert workbook.sheetnames == ["Scores", "Flags", "Spread"]
    scores = workbook["Scores"]
    xlsx_inert("'=cmd", scores["A4"])
    assert scores["E2"].number_format == "0%" and scores["F2"].number_format == "0.00"
    flags = sheet_rows(workbook, "Flags")
    assert flags[0] == ("rule", "severity", "dimension", "partners", "evidence", "recommendation")
    assert {f[0] for f in flags[1:]} == {f["rule"] for f in plain_report["flags"]}
    for row in workbook["Flags"].iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type == "s" or cell.value is None
            assert not str(cell.value or "").startswith("=")
    spread = sheet_rows(workbook, "Spread")
    assert spread[0] == ("dimension", "sd", "min", "max", "partners")
    assert spread[1] == ("trust", 1.0, 1.0, 3.0, 2)


def test_safe_filename_is_ascii():
    assert safe_filename("Été 2025 — « printemps » / #1", 12, "scores", "csv") == (
        "ete-2025-printemps-1-12-scores.csv"
    )
    assert safe_filename("«»", 3, "responses", "xlsx") == "round-3-responses.xlsx"
    assert safe_filename("../../etc/passwd", 1, "scores", "csv") == "etc-passwd-1-scores.csv"


# =============================================================================================
# Downloads


def add_response(
    app,
    round_id: int,
    partner_id: int,
    answers: dict[str, str],
    *,
    submitted: bool = True,
    language: str = "en",
    source: str = "web",
) -> int:
    """A response written straight to the database (so any stored text can be tried)."""
    from survey.store.models import Answer, Response

    with app.app_context():
        response = Response(
            round_id=round_id,
            partner_id=partner_id,
            language=language,
            source=source,
            submitted_at=datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC) if submitted else None,
        )
        db.session.add(response)
        db.session.flush()
        for question_id, value in answers.items():
            db.session.add(Answer(response_id=response.id, question_id=question_id, value=value))
        db.session.commit()
        return int(response.id)


def full_answers(choice: int = 4, **extra: str) -> dict[str, str]:
    answers = {q.id: valid_value(q, choice) for q in instrument().questions()}
    answers.update(extra)
    return answers


def low_answers() -> dict[str, str]:
    """The lowest score on every item (reverse-keyed items answered 5)."""
    return {
        q.id: ("5" if q.reverse else "1") for q in instrument().questions() if q.type == "likert"
    }


def urls(round_id: int) -> dict[str, str]:
    base = f"/rounds/{round_id}/export"
    return {
        "responses.csv": f"{base}/responses.csv",
        "responses.xlsx": f"{base}/responses.xlsx",
        "scores.csv": f"{base}/scores.csv",
        "scores.xlsx": f"{base}/scores.xlsx",
    }


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.isascii()
    return response.get_data()


def test_responses_csv_holds_each_answer_in_its_column(app, client, world, login):
    p = world.partnership.partners
    first = add_response(
        app, world.round.id, p["Police"], full_answers(4, what_works="Monthly « tables » été")
    )
    second = add_response(
        app,
        world.round.id,
        p["Housing"],
        full_answers(2, trust_commitments="na"),
        language="fr",
        source="paper",
    )
    draft = add_response(app, world.round.id, p["Public Health"], full_answers(5), submitted=False)
    login(client, world.owner)

    response = client.get(urls(world.round.id)["responses.csv"])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=spring-check-in-{world.round.id}-responses.csv"
    )
    body = response.get_data()
    assert b"\r\n" in body
    rows = read_csv(body)
    header = rows[0]
    q_ids = [q.id for q in instrument().questions()]
    assert header == ["respondent", "partner", "language", "source", "submitted_at", *q_ids]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {str(first), str(second)}  # only submitted responses
    assert str(draft) not in by_id
    one, two = by_id[str(first)], by_id[str(second)]
    assert (one["partner"], one["language"], one["source"]) == ("Police", "en", "web")
    assert one["submitted_at"] == "2025-05-06T07:08:09+00:00"
    assert one["trust_commitments"] == "4"
    assert one["partner_role"] == "collaboration"
    assert one["what_works"] == "Monthly « tables » été"
    assert (two["partner"], two["language"], two["source"]) == ("Housing", "fr", "paper")
    assert two["trust_commitments"] == "na"
    assert two["trust_raise_concerns"] == "2"
    assert two["partner_role"] == "cooperation"


def test_responses_xlsx_has_values_labels_and_questions(app, client, world, login):
    p = world.partnership.partners
    rid = add_response(app, world.round.id, p["Police"], full_answers(4, trust_raise_concerns="na"))
    add_response(app, world.round.id, p["Housing"], full_answers(5), submitted=False)
    login(client, world.owner)

    response = client.get(urls(world.round.id)["responses.xlsx"])
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = read_xlsx(download(client, urls(world.round.id)["responses.xlsx"]))
    assert workbook.sheetnames == ["Responses", "Labels", "Questions"]
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
    values = sheet_rows(workbook, "Responses")
    assert len(values) == 2  # the header and the one submitted response
    row = dict(zip(values[0], values[1], strict=True))
    assert row["respondent"] == rid and row["partner"] == "Police"
    assert row["trust_commitments"] == 4 and isinstance(row["trust_commitments"], int)
    assert row["trust_raise_concerns"] == "na"
    labels = dict(zip(*sheet_rows(workbook, "Labels"), strict=True))
    assert labels["trust_commitments"] == "Agree"
    assert labels["trust_raise_concerns"] == "Don’t know / not applicable"
    assert labels["partner_role"].startswith("Collaboration —")
    questions = sheet_rows(workbook, "Questions")
    assert [r[0] for r in questions[1:]] == [q.id for q in instrument().questions()]
    first = dict(zip(questions[0], questions[1], strict=True))
    assert first["text"] == "Partners keep the commitments they make at the table."
    assert first["options"].startswith("1=Strongly disagree; 2=Disagree;")

    french = read_xlsx(download(client, urls(world.round.id)["responses.xlsx"] + "?lang=fr"))
    labels_fr = dict(zip(*sheet_rows(french, "Labels"), strict=True))
    assert labels_fr["trust_commitments"] == "En accord"
    assert sheet_rows(french, "Questions")[1][5].startswith("Les partenaires respectent")


def test_scores_csv_and_xlsx_come_from_the_score_report(app, client, world, login):
    from survey.store.models import Round
    from survey.store.round_scores import round_report

    p = world.partnership.partners
    add_response(app, world.round.id, p["Police"], full_answers(5))
    add_response(app, world.round.id, p["Police"], full_answers(3))
    add_response(app, world.round.id, p["Public Health"], low_answers())
    add_response(app, world.round.id, p["Housing"], low_answers(), submitted=False)
    with app.app_context():
        report = round_report(db.session.get(Round, world.round.id))
    dims = [d["id"] for d in report["dimensions"]]
    login(client, world.owner)

    rows = read_csv(download(client, urls(world.round.id)["scores.csv"]))
    assert rows[0] == [
        "partner",
        "lead",
        "respondents",
        "invited",
        "response_rate",
        *dims,
        *(f"{d}_band" for d in dims),
    ]
    assert [r[0] for r in rows[1:]] == ["All partners", "Police", "Public Health", "Housing"]
    table = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert table["All partners"]["respondents"] == "3"
    assert table["Police"]["lead"] == "yes" and table["Police"]["respondents"] == "2"
    assert table["Public Health"]["trust"] == "1.0"
    assert table["Public Health"]["trust_band"] == "concern"
    assert table["Housing"]["respondents"] == "0" and table["Housing"]["trust"] == ""
    for dim in dims:
        expected = report["partners"][0]["scores"][dim]
        assert float(table["Police"][dim]) == pytest.approx(expected, abs=1e-4)

    workbook = read_xlsx(download(client, urls(world.round.id)["scores.xlsx"]))
    assert workbook.sheetnames == ["Scores", "Flags", "Spread"]
    scores = sheet_rows(workbook, "Scores")
    assert scores[2][0] == "Police" and scores[2][2] == 2
    assert scores[3][5] == 1.0
    flags = sheet_rows(workbook, "Flags")
    assert len(flags) - 1 == len(report["flags"]) > 0
    assert [f[0] for f in flags[1:]] == [f["rule"] for f in report["flags"]]
    spread = {r[0]: r for r in sheet_rows(workbook, "Spread")[1:]}
    assert set(spread) == set(dims)
    assert spread["trust"][4] == report["spread"]["trust"]["partners"] == 2


def test_formula_answers_are_neutralised_in_csv_and_xlsx(app, client, world, login):
    police = world.partnership.partners["Police"]
    ids = {
        add_response(
            app,
            world.round.id,
            police,
            full_answers(4, what_works=payload, what_to_change=payload),
        ): payload
        for payload in [*PAYLOADS, *FULL_WIDTH]
    }
    login(client, world.owner)

    rows = read_csv(download(client, urls(world.round.id)["responses.csv"]))
    column = rows[0].index("what_works")
    for row in rows[1:]:
        payload = ids[int(row[0])]
        assert row[column] == "'" + payload
        assert row[column + 1] == "'" + payload

    workbook = read_xlsx(download(client, urls(world.round.id)["responses.xlsx"]))
    for name in ("Responses", "Labels"):
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        column = header.index("what_works") + 1
        for row in range(2, sheet.max_row + 1):
            payload = ids[sheet.cell(row, 1).value]
            for offset in (0, 1):
                cell = sheet.cell(row, column + offset)
                xlsx_inert("'", cell)
                assert cell.value == "'" + payload.replace("\r", "\n")


def test_formula_partner_names_are_neutralised_everywhere(
    app, client, make_facilitator, make_partnership, make_round, login
):
    owner = make_facilitator()
    partnership = make_partnership(owner, [EVIL_PARTNER, "Housing"])
    round_ = make_round(partnership)
    add_response(app, round_.id, partnership.partners[EVIL_PARTNER], full_answers(4))
    add_response(app, round_.id, partnership.partners["Housing"], low_answers())
    login(client, owner)
    files = urls(round_.id)

    responses = read_csv(download(client, files["responses.csv"]))
    assert {r[1] for r in responses[1:]} == {"'" + EVIL_PARTNER, "Housing"}
    scores = read_csv(download(client, files["scores.csv"]))
    assert "'" + EVIL_PARTNER in [r[0] for r in scores]

    for name in ("responses.xlsx", "scores.xlsx"):
        workbook = read_xlsx(download(client, files[name]))
        found = 0
        for sheet in workbook:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and EVIL_PARTNER in cell.value:
                        assert cell.data_type == "s"
                        assert not cell.value.startswith("=")
                        found += cell.value == "'" + EVIL_PARTNER
        assert found >= 1, name
    # Nothing anywhere is stored as a formula.
    for name in ("responses.xlsx", "scores.xlsx"):
        workbook = read_xlsx(download(client, files[name]))
        assert all(
            cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row
        )


class TestInstrumentTexts:
    """An instrument whose question text and first trust practice start with "="."""

    @pytest.fixture
    def app_overrides(self, tmp_path):
        folder = tmp_path / "instruments"
        folder.mkdir()
        text = (QUESTIONNAIRES / INSTRUMENT).read_text(encoding="utf-8")
        question = "en: Partners keep the commitments they make at the table."
        practice = "Open each meeting with a short round"
        assert question in text and practice in text
        text = text.replace(question, "en: '=1+1 Partners keep the commitments'", 1)
        text = text.replace(practice, "=Open each meeting with a short round", 1)
        (folder / INSTRUMENT).write_text(text, encoding="utf-8")
        return {"QUESTIONNAIRES_DIR": str(folder)}

    def test_question_texts_and_practices_are_neutralised(self, app, client, world, login):
        p = world.partnership.partners
        add_response(app, world.round.id, p["Police"], low_answers())
        add_response(app, world.round.id, p["Housing"], low_answers())
        login(client, world.owner)

        workbook = read_xlsx(download(client, urls(world.round.id)["responses.xlsx"]))
        sheet = workbook["Questions"]
        assert sheet["A2"].value == "trust_commitments"
        xlsx_inert("'=1+1", sheet["F2"])
        assert sheet["F2"].value == "'=1+1 Partners keep the commitments"

        scores = read_xlsx(download(client, urls(world.round.id)["scores.xlsx"]))
        flags = scores["Flags"]
        trust = [row for row in flags.iter_rows(min_row=2) if row[2].value == "trust"]
        assert trust, "the low scores flag the trust dimension"
        for row in trust:
            if row[0].value == "low-score":
                xlsx_inert("'=Open each meeting", row[5])
        assert all(c.data_type != "f" for row in flags.iter_rows() for c in row)


def set_min_group_size(app, partnership_id: int, size: int) -> None:
    from survey.store.models import Partnership

    with app.app_context():
        db.session.execute(
            update(Partnership).where(Partnership.id == partnership_id).values(min_group_size=size)
        )
        db.session.commit()


def test_small_partners_are_pooled_in_every_export(
    app, client, make_facilitator, make_partnership, make_round, login
):
    owner = make_facilitator()
    secret = "Secret Shelter"
    partnership = make_partnership(owner, ["Police", secret, "Housing"])
    set_min_group_size(app, partnership.id, 2)
    round_ = make_round(partnership)
    police = partnership.partners["Police"]
    add_response(app, round_.id, police, full_answers(4))
    add_response(app, round_.id, police, full_answers(5))
    lone = add_response(app, round_.id, partnership.partners[secret], low_answers())
    login(client, owner)
    files = urls(round_.id)

    responses = read_csv(download(client, files["responses.csv"]))
    assert {r[0]: r[1] for r in responses[1:]}[str(lone)] == "Other partners"
    scores = read_csv(download(client, files["scores.csv"]))
    # A pool of one organisation would be that organisation: it absorbs the next-smallest
    # partner, Police, so that "Other partners" holds 3 respondents from 2 organisations.
    assert [r[0] for r in scores[1:]] == ["All partners", "Housing", "Other partners"]
    for name in ("responses.csv", "scores.csv"):
        assert secret.encode() not in download(client, files[name])
    for name in ("responses.xlsx", "scores.xlsx"):
        cells = all_cells(read_xlsx(download(client, files[name])))
        assert "Other partners" in cells
        assert not any(secret in str(c) for c in cells)
    api = client.get(f"/api/rounds/{round_.id}/scores")
    assert secret not in api.get_data(as_text=True)

    french = read_csv(download(client, files["responses.csv"] + "?lang=fr"))
    assert {r[0]: r[1] for r in french[1:]}[str(lone)] == "Autres partenaires"
    french_scores = read_csv(download(client, files["scores.csv"] + "?lang=fr"))
    assert french_scores[1][0] == "Tous les partenaires"
    assert "Autres partenaires" in [r[0] for r in french_scores]


# -- the JSON API and who may download what -----------------------------------------------


def test_api_scores_is_the_score_report(app, client, world, login):
    from survey.store.models import Round
    from survey.store.round_scores import round_report

    p = world.partnership.partners
    add_response(app, world.round.id, p["Police"], full_answers(4))
    add_response(app, world.round.id, p["Housing"], low_answers())
    login(client, world.owner)
    for lang in (None, "fr"):
        url = f"/api/rounds/{world.round.id}/scores" + (f"?lang={lang}" if lang else "")
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["Cache-Control"] == "no-store"
        with app.app_context():
            expected = round_report(db.session.get(Round, world.round.id), lang)
        assert response.get_json() == json.loads(json.dumps(expected))
    assert response.get_json()["language"] == "fr"


def all_urls(round_id: int) -> list[str]:
    return [*urls(round_id).values(), f"/api/rounds/{round_id}/scores"]


def test_another_facilitator_gets_404_everywhere(app, client, world, login):
    add_response(app, world.round.id, world.partnership.partners["Police"], full_answers(4))
    login(client, world.other)
    for url in all_urls(world.round.id):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Police" not in response.get_data()
    assert client.get(f"/api/rounds/{world.round.id}/scores").get_json()["status"] == 404


def test_unknown_round_is_404(client, world, login):
    login(client, world.owner)
    for url in all_urls(world.round.id + 1000):
        assert client.get(url).status_code == 404, url


def test_anonymous_api_gets_401_json_and_pages_redirect_to_login(client, world):
    api = client.get(f"/api/rounds/{world.round.id}/scores")
    assert api.status_code == 401
    assert api.mimetype == "application/json"
    assert "error" in api.get_json()
    for url in urls(world.round.id).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert path_of(response.headers["Location"]).startswith("/login")
