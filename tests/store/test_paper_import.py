"""Paper mode: answers typed in from paper forms, imported from CSV on the web and by CLI.

Every row is checked first and the file is stored whole or not at all; importing it again
stores nothing new; a respondent id imported before with other answers refuses the file.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

import survey.store.paper_import
from survey.cli import cli
from survey.core.problems import InputError, Problem
from survey.core.scoring import PartnerInfo
from survey.store.database import db
from survey.store.models import Answer, Facilitator, Partner, Partnership, Response, Round
from survey.store.paper_import import PARTNER_LIST, StoredPaper, plan_import
from survey.web.views.paper import problem_rows
from tests.core.helpers import instrument as built_instrument
from tests.helpers import (
    complete_response,
    count,
    csrf_from,
    get_csrf,
    instrument,
    path_of,
    stored_answers,
    text_of,
    valid_value,
)

QUESTIONS = [q.id for q in instrument().questions()]
HEADER = ["respondent", "partner", *QUESTIONS]
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): .+ — .+$")


def paper_csv(
    *rows: tuple[str, str, int], changes: dict[str, dict[str, str]] | None = None
) -> bytes:
    """A file of (respondent, partner, choice) rows answering every question with option
    ``choice``; ``changes[respondent]`` overrides cells of that row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for label, partner, choice in rows:
        cells = {q.id: valid_value(q, choice) for q in instrument().questions()}
        cells |= (changes or {}).get(label, {})
        writer.writerow([label, partner, *(cells[q] for q in QUESTIONS)])
    return buffer.getvalue().encode("utf-8")


GOOD = paper_csv(("P01", "Police", 4), ("P02", "Housing", 2))


def upload(client, round_id: int, body: bytes, filename: str = "paper.csv", csrf: bool = True):
    url = f"/rounds/{round_id}/import"
    data: dict = {"file": (io.BytesIO(body), filename)}
    if csrf:
        data["csrf_token"] = get_csrf(client, url)
    return client.post(url, data=data, content_type="multipart/form-data")


def paper_rows(app, round_id: int) -> list[dict]:
    with app.app_context():
        responses = db.session.scalars(
            select(Response)
            .where(Response.round_id == round_id, Response.source == "paper")
            .order_by(Response.label)
        ).all()
        return [
            {
                "label": r.label,
                "partner_id": r.partner_id,
                "language": r.language,
                "submitted": r.submitted_at is not None,
                "invitation_id": r.invitation_id,
                "answers": {a.question_id: a.value for a in r.answers},
            }
            for r in responses
        ]


def answer_count(app) -> int:
    return count(app, Answer)


# -- the web page -------------------------------------------------------------------------


def test_the_page_explains_the_file(app, world, login):
    owner = login(app.test_client(), world.owner)
    page = text_of(owner.get(f"/rounds/{world.round.id}/import"))
    assert "Import paper answers" in page
    assert ",".join(HEADER) in page
    assert 'enctype="multipart/form-data"' in page
    for partner in ("Police", "Public Health", "Housing"):
        assert partner in page
    assert "draft, open or closed" in page

    template = owner.get(f"/rounds/{world.round.id}/import/template.csv")
    assert template.status_code == 200
    assert template.mimetype == "text/csv"
    assert "attachment" in template.headers["Content-Disposition"]
    assert template.get_data().decode("utf-8-sig").strip() == ",".join(HEADER)


def test_a_valid_file_imports_and_counts_in_scores_and_exports(app, world, login):
    owner = login(app.test_client(), world.owner)
    response = upload(owner, world.round.id, GOOD)
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/rounds/{world.round.id}"
    page = text_of(owner.get(f"/rounds/{world.round.id}"))
    assert "2 imported, 0 already there" in page
    assert "2 submitted responses" in page

    rows = paper_rows(app, world.round.id)
    assert [r["label"] for r in rows] == ["P01", "P02"]
    assert rows[0]["partner_id"] == world.partnership.partners["Police"]
    assert rows[1]["partner_id"] == world.partnership.partners["Housing"]
    assert all(r["submitted"] and r["language"] == "en" for r in rows)
    assert all(r["invitation_id"] is None for r in rows)
    assert rows[0]["answers"]["trust_commitments"] == "4"  # as the web form stores it

    report = owner.get(f"/api/rounds/{world.round.id}/scores").get_json()
    assert report["partnership"]["respondents"] == 2
    police = next(p for p in report["partners"] if p["partner"] == "Police")
    assert police["respondents"] == 1

    export = owner.get(f"/rounds/{world.round.id}/export/responses.csv")
    exported = list(csv.DictReader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert [r["source"] for r in exported] == ["paper", "paper"]
    assert {r["partner"] for r in exported} == {"Police", "Housing"}


def test_paper_answers_are_stored_exactly_as_web_answers(app, world, login):
    """The same answers on paper and online: the same stored strings, the same scores."""
    resume = complete_response(app.test_client(), world.round.token("Police"), choice=4)
    owner = login(app.test_client(), world.owner)
    assert upload(owner, world.round.id, paper_csv(("P01", "Police", 4))).status_code == 302
    paper = paper_rows(app, world.round.id)[0]["answers"]
    web = stored_answers(app, resume)
    assert paper == web


def test_one_bad_row_stores_nothing_and_every_problem_is_listed(app, world, login):
    body = paper_csv(
        ("P01", "Police", 4),
        ("P02", "Polic", 3),
        ("P03", "Housing", 2),
        changes={"P03": {"trust_commitments": "7", "partner_role": "boss"}},
    )
    owner = login(app.test_client(), world.owner)
    response = upload(owner, world.round.id, body)
    assert response.status_code == 422
    page = text_of(response)
    assert "3 problems: nothing was imported" in page
    cells = re.findall(
        r"<tr>\s*<td class=\"num\">(\d+)</td>\s*<td>(?:<code>([^<]*)</code>|—)</td>",
        response.get_data(as_text=True),
    )
    assert cells == [("3", "partner"), ("4", "trust_commitments"), ("4", "partner_role")]
    assert "'Polic' is not in the partnership's partners" in page
    assert "use a partner's name exactly as the partnership lists it" in page
    # The names once, in the summary above the problems (issue 15), not in every problem.
    summary = re.search(r'<p class="partner-names">(.*?)</p>', page, re.S).group(1)
    assert re.findall(r"<code>([^<]+)</code>", summary) == ["Police", "Public Health", "Housing"]
    assert "'7' is not on the scale" in page
    assert "use one of: 1, 2, 3, 4, 5, na" in page
    assert count(app, Response) == 0
    assert answer_count(app) == 0


def test_problems_of_the_whole_file_are_listed(app, world, login):
    owner = login(app.test_client(), world.owner)
    response = upload(owner, world.round.id, b"respondent,partner,colour\nP1,Police,blue\n")
    assert response.status_code == 422
    assert "column 'colour' is not a question of partnership-health" in text_of(response)
    response = upload(owner, world.round.id, "respondent,partner\n".encode("utf-16"))
    assert "not UTF-8 text" in text_of(response)
    response = upload(owner, world.round.id, b"")
    assert response.status_code == 422
    assert count(app, Response) == 0


def test_importing_twice_stores_nothing_new(app, world, login):
    owner = login(app.test_client(), world.owner)
    assert upload(owner, world.round.id, GOOD).status_code == 302
    before = (count(app, Response), answer_count(app))
    again = upload(owner, world.round.id, GOOD)
    assert again.status_code == 302
    assert "0 imported, 2 already there" in text_of(owner.get(path_of(again.headers["Location"])))
    assert (count(app, Response), answer_count(app)) == before

    # The same file with one more row: only the new row is stored.
    more = paper_csv(("P01", "Police", 4), ("P02", "Housing", 2), ("P03", "Public Health", 5))
    upload(owner, world.round.id, more)
    page = text_of(owner.get(f"/rounds/{world.round.id}"))
    assert "1 imported, 2 already there" in page
    assert count(app, Response) == before[0] + 1


def test_same_id_with_other_answers_refuses_the_file(app, world, login):
    owner = login(app.test_client(), world.owner)
    upload(owner, world.round.id, GOOD)
    before = (count(app, Response), answer_count(app))
    changed = paper_csv(
        ("P01", "Police", 4),
        ("P02", "Housing", 2),
        ("P03", "Police", 3),
        ("P04", "Police", 3),
        changes={"P02": {"trust_commitments": "5"}},
    )
    response = upload(owner, world.round.id, changed)
    assert response.status_code == 422
    page = text_of(response)
    assert "respondent 'P02' was already imported with other answers" in page
    assert "give it another id, or remove the row" in page
    assert (count(app, Response), answer_count(app)) == before  # not even P03 or P04

    moved = paper_csv(("P01", "Public Health", 4))
    page = text_of(upload(owner, world.round.id, moved))
    assert "respondent 'P01' was already imported for Police" in page
    assert (count(app, Response), answer_count(app)) == before


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_draft_and_closed_rounds_accept_paper_answers(app, world, login, make_round, status):
    round_ = make_round(
        world.partnership,
        status=status,
        name=f"{status} round",
        closes_on=date(2020, 1, 1) if status == "closed" else None,
    )
    owner = login(app.test_client(), world.owner)
    page = text_of(owner.get(f"/rounds/{round_.id}/import"))
    if status == "closed":
        assert "Paper answers can still be imported" in page
    assert upload(owner, round_.id, GOOD).status_code == 302
    assert len(paper_rows(app, round_.id)) == 2


def test_the_form_wants_a_csv_file(app, world, login):
    owner = login(app.test_client(), world.owner)
    url = f"/rounds/{world.round.id}/import"
    response = owner.post(url, data={"csrf_token": get_csrf(owner, url)})
    assert response.status_code == 422
    assert "Choose a CSV file to import." in text_of(response)
    response = upload(owner, world.round.id, GOOD, filename="paper.xlsx")
    assert response.status_code == 422
    assert "Choose a file ending in .csv" in text_of(response)
    assert upload(owner, world.round.id, GOOD, filename="PAPER.CSV").status_code == 302


def test_csrf_is_required(app, world, login):
    owner = login(app.test_client(), world.owner)
    response = upload(owner, world.round.id, GOOD, csrf=False)
    assert response.status_code == 400
    assert count(app, Response) == 0


def test_another_facilitator_gets_404(app, world, login):
    other = login(app.test_client(), world.other)
    token = csrf_from(other.get("/").get_data(as_text=True))
    url = f"/rounds/{world.round.id}/import"
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/template.csv").status_code == 404
    response = other.post(
        url,
        data={"file": (io.BytesIO(GOOD), "paper.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
    assert count(app, Response) == 0


def test_anonymous_visitors_are_sent_to_login(app, world):
    response = app.test_client().get(f"/rounds/{world.round.id}/import")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]).startswith("/login")


def test_a_concurrent_import_of_the_same_rows_is_not_stored_twice(app, world, login, monkeypatch):
    """Two imports at once both see an empty round; the database's unique (round, label) makes
    the second fail, and it looks again: everything is already there."""
    owner = login(app.test_client(), world.owner)
    upload(owner, world.round.id, GOOD)
    real = survey.store.paper_import.stored_paper
    calls = []

    def stale_first(round_id, partners):
        calls.append(round_id)
        return {} if len(calls) == 1 else real(round_id, partners)

    monkeypatch.setattr(survey.store.paper_import, "stored_paper", stale_first)
    response = upload(owner, world.round.id, GOOD)
    assert response.status_code == 302
    assert len(calls) == 2
    assert "0 imported, 2 already there" in text_of(owner.get(f"/rounds/{world.round.id}"))
    assert count(app, Response) == 2


# -- the command --------------------------------------------------------------------------


def run(app, *args: str):
    return app.test_cli_runner().invoke(cli, list(args))


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_cli_imports_a_file_once(app, world, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_bytes(GOOD)
    result = run(app, "import", "--round", str(world.round.id), str(path))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 imported, 0 already there."
    again = run(app, "import", "--round", str(world.round.id), str(path))
    assert again.exit_code == 0
    assert again.output.strip() == "0 imported, 2 already there."
    assert [r["label"] for r in paper_rows(app, world.round.id)] == ["P01", "P02"]


def test_cli_bad_file_prints_every_problem_and_stores_nothing(app, world, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_bytes(
        paper_csv(
            ("P01", "Police", 4),
            ("P02", "Nobody", 4),
            ("P03", "Housing", 4),
            changes={"P03": {"lead_chair": "six"}},
        )
    )
    result = run(app, "import", "--round", str(world.round.id), str(path))
    assert result.exit_code == 2
    no_traceback(result)
    lines = result.output.strip().splitlines()
    assert len(lines) == 3
    assert all(PROBLEM_LINE.match(line) for line in lines[:2]), lines
    assert lines[0].startswith(f"{path}:3: column 'partner': 'Nobody'")
    assert lines[1].startswith(f"{path}:4: column 'lead_chair': 'six' is not on the scale")
    # The partners' names once, after the problems (issue 15), not in each problem.
    assert lines[2] == "The partnership's partners: Police, Public Health, Housing."
    assert "Police" not in lines[0]
    assert count(app, Response) == 0


def test_cli_unknown_round_and_missing_file(app, world, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_bytes(GOOD)
    result = run(app, "import", "--round", "999999", str(path))
    assert result.exit_code == 2
    no_traceback(result)
    assert "there is no round 999999" in result.output
    result = run(app, "import", "--round", str(world.round.id), str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    no_traceback(result)
    assert "nope.csv: no such file" in result.output
    result = run(app, "import", "--round", str(2**63), str(path))
    assert result.exit_code == 2
    no_traceback(result)
    assert count(app, Response) == 0


# -- the migration ------------------------------------------------------------------------


@pytest.mark.usefixtures("keep_logging")
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_migration_adds_the_unique_label_per_round(make_app):
    """The real migrations on a fresh database: one paper label per round, any number of web
    responses (no label); the downgrade removes the constraint again."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        uniques = {
            tuple(u["column_names"]) for u in inspect(db.engine).get_unique_constraints("response")
        }
        assert ("round_id", "label") in uniques

        owner = Facilitator(email="f@example.org", password_hash="x")
        db.session.add(owner)
        db.session.flush()
        partnership = Partnership(owner_id=owner.id, name="P", description="")
        db.session.add(partnership)
        db.session.flush()
        partner = Partner(partnership_id=partnership.id, name="Police", sector="", lead=True)
        q = instrument()
        round_ = Round(
            partnership_id=partnership.id,
            name="R",
            **Round.pinned_instrument("x.yaml", q),
        )
        db.session.add_all([partner, round_])
        db.session.flush()
        ids = {"round_id": round_.id, "partner_id": partner.id}
        for _ in range(2):  # web responses have no label: they never collide
            db.session.add(Response(**ids))
        db.session.add(Response(**ids, source="paper", label="P1"))
        db.session.commit()
        db.session.add(Response(**ids, source="paper", label="P1"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(Response.id))) == 3
        db.session.remove()

        downgrade(revision="82732f5c8429")
        uniques = {
            tuple(u["column_names"]) for u in inspect(db.engine).get_unique_constraints("response")
        }
        assert ("round_id", "label") not in uniques
        assert db.session.scalar(select(func.count(Response.id))) == 3  # rows survive
        db.session.remove()
        downgrade(revision="base")


# -- the domain, without an app -----------------------------------------------------------


TINY_PARTNERS = [
    PartnerInfo("City", "", True, None, None),
    PartnerInfo("Police", "", False, None, None),
]


def test_plan_checks_ids_nul_characters_and_empty_rows():
    q = built_instrument()
    body = (
        "respondent,partner,trust_1,comments\n"
        f"{'x' * 101},City,4,\n"
        "P2,City,4,bad\x00text\n"
        "P3,City,,\n"
        "P4,Police,4.0,ok\n"
    )
    with pytest.raises(InputError) as error:
        plan_import(q, TINY_PARTNERS, {}, body, "paper.csv")
    assert [str(p) for p in error.value.problems] == [
        "paper.csv:2: column 'respondent': 101 characters, over the limit of 100 — "
        "use a shorter id",
        "paper.csv:3: column 'comments': contains a NUL character — retype the answer",
        "paper.csv:4: the row has no answers — type in the answers from the paper form, or remove "
        "the row",
    ]


def test_plan_skips_identical_rows_and_refuses_changed_ones():
    q = built_instrument()
    body = "respondent,partner,trust_1,power_balance_1\nP1,City,4,na\nP2,Police,2,\n"
    stored = {"P1": StoredPaper("City", {"trust_1": "4", "power_balance_1": "na"})}
    plan = plan_import(q, TINY_PARTNERS, stored, body, "paper.csv")
    assert plan.already_there == 1
    new = [(r.label, r.partner, r.values) for r in plan.new]
    assert new == [("P2", "Police", {"trust_1": "2"})]
    stored = {"P2": StoredPaper("Police", {"trust_1": "3"})}
    with pytest.raises(InputError) as error:
        plan_import(q, TINY_PARTNERS, stored, body, "paper.csv")
    assert [p.line for p in error.value.problems] == [3]
    assert "already imported with other answers" in error.value.problems[0].message


def test_partner_messages_name_the_partnership_list():
    q = built_instrument()
    with pytest.raises(InputError) as error:
        plan_import(q, TINY_PARTNERS, {}, "respondent,partner,trust_1\nP1,Town,4\n", "f.csv")
    assert PARTNER_LIST in str(error.value)


def test_problem_rows_split_the_column_from_the_message():
    rows = problem_rows(
        [
            Problem("f.csv", "column 'trust_1': '7' is not on the scale", "use one of: 1, 2", 4),
            Problem("f.csv", "the file is empty", "start with a header row"),
        ]
    )
    assert (rows[0].row, rows[0].column, rows[0].problem, rows[0].fix) == (
        4,
        "trust_1",
        "'7' is not on the scale",
        "use one of: 1, 2",
    )
    assert (rows[1].row, rows[1].column, rows[1].problem) == (None, "", "the file is empty")
