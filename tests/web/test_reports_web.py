"""Printed reports on the web and on the command line: the PDF routes answer their owner only,
a partner's copy names no one else, the symposium pack streams one PDF per chosen round plus
an index, and ``survey report`` / ``survey symposium-pack`` work from the database and from
CSV files, with a clear message and status 2 for bad input."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from pypdf import PdfReader

from reports.pack import INDEX_NAME, slug
from survey.cli import cli
from survey.store.database import db
from tests.core.helpers import TINY
from tests.helpers import download_pack, get_csrf, instrument, text_of, valid_value

PARTNERS = ("Police", "Public Health", "Housing")


def add_responses(app: Flask, round_id: int, partner_ids: dict[str, int], counts: dict[str, int]):
    """Submitted responses straight into the database: every item answered ``4``."""
    from survey.store.models import Answer, Response, utcnow

    with app.app_context():
        for name, n in counts.items():
            for _ in range(n):
                response = Response(
                    round_id=round_id, partner_id=partner_ids[name], submitted_at=utcnow()
                )
                db.session.add(response)
                db.session.flush()
                for question in instrument().questions():
                    value = valid_value(question, 4)
                    if question.id == "what_works":
                        value = f"Comments from {name}"
                    db.session.add(
                        Answer(response_id=response.id, question_id=question.id, value=value)
                    )
        db.session.commit()


def text_of_pdf(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture
def answered(app: Flask, world: Any) -> Any:
    add_responses(app, world.round.id, world.partnership.partners, dict.fromkeys(PARTNERS, 1))
    return world


def signed_in(client: Any, login: Any, facilitator: Any) -> Any:
    return login(client, facilitator)


# -- the PDF routes -----------------------------------------------------------------------


def test_the_owner_downloads_the_partnership_report(client, login, answered) -> None:
    login(client, answered.owner)
    response = client.get(f"/rounds/{answered.round.id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "riverside-safety-table" in disposition
    text = text_of_pdf(response.data)
    assert "Riverside Safety Table" in text and "Spring check-in" in text
    for name in PARTNERS:
        assert name in text
    assert "Comments from Police" in text


def test_language_and_paper_size_come_from_the_query(client, login, answered) -> None:
    login(client, answered.owner)
    response = client.get(f"/rounds/{answered.round.id}/report.pdf?lang=fr&size=a4")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert float(reader.pages[0].mediabox.height) == pytest.approx(841.89, abs=0.5)
    assert "Synthèse" in text_of_pdf(response.data)


def test_a_partner_copy_names_no_other_partner(client, login, answered) -> None:
    login(client, answered.owner)
    partner_id = answered.partnership.partners["Housing"]
    response = client.get(f"/rounds/{answered.round.id}/partners/{partner_id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = text_of_pdf(response.data)
    assert "Copy for Housing" in text
    assert "Police" not in text and "Public Health" not in text


def test_reports_of_another_facilitator_are_not_found(client, login, answered) -> None:
    login(client, answered.other)
    round_id, partner_id = answered.round.id, answered.partnership.partners["Police"]
    assert client.get(f"/rounds/{round_id}/report.pdf").status_code == 404
    assert client.get(f"/rounds/{round_id}/partners/{partner_id}/report.pdf").status_code == 404


def test_a_partner_of_another_partnership_is_not_found(
    client, login, answered, make_partnership
) -> None:
    elsewhere = make_partnership(answered.owner, ("Fire",), name="Elsewhere")
    login(client, answered.owner)
    url = f"/rounds/{answered.round.id}/partners/{elsewhere.partners['Fire']}/report.pdf"
    assert client.get(url).status_code == 404
    assert client.get(f"/rounds/{answered.round.id}/partners/99999/report.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world) -> None:
    response = client.get(f"/rounds/{world.round.id}/report.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/symposium-pack").status_code == 302


def test_a_pooled_partner_has_no_copy_of_its_own(app, client, login, answered) -> None:
    from survey.store.models import Partnership

    with app.app_context():
        db.session.get(Partnership, answered.partnership.id).min_group_size = 2
        db.session.commit()
    login(client, answered.owner)
    partner_id = answered.partnership.partners["Housing"]
    response = client.get(f"/rounds/{answered.round.id}/partners/{partner_id}/report.pdf")
    assert response.status_code == 409
    assert "fewer than 2 respondents" in text_of(response)


# -- the symposium pack -------------------------------------------------------------------


def test_the_symposium_pack_holds_one_pdf_per_chosen_round_and_an_index(
    client, login, answered, make_partnership, make_round, worker
) -> None:
    second = make_round(
        make_partnership(answered.owner, ("Fire", "Parks"), name="Northside"), name="Autumn"
    )
    theirs = make_round(make_partnership(answered.other, ("Elsewhere",), name="Not yours"))
    login(client, answered.owner)
    form = client.get("/symposium-pack")
    page = text_of(form)
    assert "Riverside Safety Table" in page and "Northside" in page
    assert "Not yours" not in page
    token = get_csrf(client, "/symposium-pack")
    response = client.post(
        "/symposium-pack",
        data={
            "csrf_token": token,
            "round": [str(answered.round.id), str(second.id)],
            "lang": "en",
            "size": "letter",
        },
    )
    # The request only queues the work: the worker makes the pack, the job's page offers it.
    archive = zipfile.ZipFile(io.BytesIO(download_pack(client, response)))
    names = archive.namelist()
    assert names == [
        "01-riverside-safety-table-spring-check-in.pdf",
        "02-northside-autumn.pdf",
        INDEX_NAME,
    ]
    assert "Northside" in text_of_pdf(archive.read(INDEX_NAME))
    assert "Police" in text_of_pdf(archive.read(names[0]))

    # Someone else's round anywhere in the choice: not found, and nothing is built.
    refused = client.post(
        "/symposium-pack",
        data={"csrf_token": token, "round": [str(answered.round.id), str(theirs.id)]},
    )
    assert refused.status_code == 404


def test_the_symposium_pack_needs_a_choice_and_a_csrf_token(client, login, answered) -> None:
    login(client, answered.owner)
    token = get_csrf(client, "/symposium-pack")
    empty = client.post("/symposium-pack", data={"csrf_token": token})
    assert empty.status_code == 400 and "Choose at least one round." in text_of(empty)
    forged = client.post("/symposium-pack", data={"round": str(answered.round.id)})
    assert forged.status_code == 400
    assert forged.mimetype != "application/zip"


# -- the command line ---------------------------------------------------------------------


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(cli, list(args))


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_survey_report_from_the_database(app, answered, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = invoke(app, "report", "--round", str(answered.round.id), "--out", str(out))
    no_traceback(result)
    assert result.exit_code == 0, result.output
    text = text_of_pdf(out.read_bytes())
    assert "Riverside Safety Table" in text and "Public Health" in text

    copy = tmp_path / "copy.pdf"
    result = invoke(
        app,
        "report",
        "--round",
        str(answered.round.id),
        "--out",
        str(copy),
        "--lang",
        "fr",
        "--partner",
        "Police",
        "--size",
        "a4",
    )
    assert result.exit_code == 0, result.output
    text = text_of_pdf(copy.read_bytes())
    assert "Exemplaire de Police" in text and "Housing" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "99999"], "--round: no round with id 99999"),
        (
            ["--partner", "Fire"],
            "--partner: no partner named 'Fire' in the report — use one of: "
            "Police, Public Health, Housing",
        ),
        (["--lang", "de"], "--lang: 'de' is not one of the instrument's languages"),
        (["--out", "/nonexistent-folder/r.pdf"], "the folder /nonexistent-folder does not exist"),
        (["-q", str(TINY)], "given with --questionnaire/--partners/--responses"),
    ],
)
def test_survey_report_bad_input_exits_2_with_a_message(
    app, answered, tmp_path: Path, args: list[str], message: str
) -> None:
    base = {"--round": str(answered.round.id), "--out": str(tmp_path / "r.pdf")}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    result = invoke(app, "report", *[part for pair in base.items() for part in pair])
    no_traceback(result)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.pdf").exists()


def test_survey_report_from_csv_files_needs_no_app(tmp_path: Path) -> None:
    partners = tmp_path / "partners.csv"
    responses = tmp_path / "responses.csv"
    partners.write_text(
        "partner,sector,lead,role,invited\nCity,municipal,yes,collaboration,4\n"
        "Police,police,no,collaboration,3\n",
        encoding="utf-8",
    )
    responses.write_text(
        "respondent,partner,t1,t2,p1,partner_role,works\nr1,City,5,1,5,collaboration,Good\n"
        "r2,Police,3,3,2,communication,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    args = [
        "report",
        "-q",
        str(TINY),
        "-p",
        str(partners),
        "-r",
        str(responses),
        "--out",
        str(out),
        "--name",
        "Table ronde",
        "--lang",
        "fr",
    ]
    result = CliRunner().invoke(cli, args)
    no_traceback(result)
    assert result.exit_code == 0, result.output
    text = text_of_pdf(out.read_bytes())
    assert "Table ronde" in text and "Confiance" in text and "Police" in text

    missing = CliRunner().invoke(cli, [*args[:6], str(tmp_path / "nope.csv"), "--out", str(out)])
    no_traceback(missing)
    assert missing.exit_code == 2 and "nope.csv: no such file" in missing.output

    neither = CliRunner().invoke(cli, ["report", "--out", str(out)])
    assert neither.exit_code == 2 and "give --round ID, or all of" in neither.output


def test_survey_symposium_pack_with_a_progress_bar(
    app, answered, make_partnership, make_round, tmp_path: Path
) -> None:
    second = make_round(make_partnership(answered.owner, ("Fire",), name="Northside"))
    out = tmp_path / "pack.zip"
    result = invoke(
        app,
        "symposium-pack",
        "--round",
        str(answered.round.id),
        "--round",
        str(second.id),
        "--out",
        str(out),
    )
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "Building reports" in result.output  # the progress bar (on stderr)
    names = zipfile.ZipFile(out).namelist()
    assert len(names) == 3 and names[-1] == INDEX_NAME

    unknown = invoke(app, "symposium-pack", "--round", "99999", "--out", str(tmp_path / "x.zip"))
    no_traceback(unknown)
    assert unknown.exit_code == 2 and "no round with id 99999" in unknown.output
    assert not (tmp_path / "x.zip").exists()


# -- file names (issue 15, item 18) -------------------------------------------------------


def _filename(response: Any) -> str:
    disposition = response.headers["Content-Disposition"]
    found = re.search(r'filename="?([^";]+)"?', disposition)
    assert found, disposition
    return found.group(1)


def test_english_and_french_reports_have_different_file_names(client, login, answered) -> None:
    login(client, answered.owner)
    url = f"/rounds/{answered.round.id}/report.pdf"
    english, french = (_filename(client.get(f"{url}?lang={lang}")) for lang in ("en", "fr"))
    assert english == "riverside-safety-table-spring-check-in-en.pdf"
    assert french == "riverside-safety-table-spring-check-in-fr.pdf"
    # Without a language, the questionnaire's first one, and the name says which.
    assert _filename(client.get(url)) == english


def test_a_partner_copy_file_name_keeps_the_partner_whole(app, client, login, answered) -> None:
    long_partnership = (
        "Riverside and District Community Safety and Well-being Partnership "
        "of the Downtown and Waterfront Neighbourhoods"
    )
    with app.app_context():
        from survey.store.models import Partnership

        db.session.get(Partnership, answered.partnership.id).name = long_partnership
        db.session.commit()
    login(client, answered.owner)
    partner_id = answered.partnership.partners["Public Health"]
    url = f"/rounds/{answered.round.id}/partners/{partner_id}/report.pdf"
    for lang in ("en", "fr"):
        name = _filename(client.get(f"{url}?lang={lang}"))
        assert name.endswith(f"-public-health-{lang}.pdf"), name
        assert name.startswith("riverside-and-district-")
        assert len(name) <= 104
        # The shortened partnership ends at a word, never inside one.
        head = name.removesuffix(f"-public-health-{lang}.pdf")
        context = slug(f"{long_partnership} Spring check-in", 1000)
        assert context.startswith(head) and len(head) < len(context)
        assert context[len(head)] == "-"


# -- the demo's reports, page by page (issue 15, item 15) ---------------------------------


@pytest.fixture
def demo_pdfs(app: Flask) -> dict[tuple[str, str], list[str]]:
    """The demo's closed round: report and Public Health Unit's copy (a partner shown on its
    own: the demo pools partners of fewer than 3 respondents), EN and FR, letter, as each
    page's text."""
    from sqlalchemy import select

    from survey.store.demo import load_demo
    from survey.store.models import Round
    from survey.web.printed_reports import round_pdf

    pages: dict[tuple[str, str], list[str]] = {}
    with app.app_context():
        load_demo(app.config["QUESTIONNAIRES_DIR"])
        round_ = db.session.scalar(select(Round).where(Round.status == "closed"))
        for lang in ("en", "fr"):
            for kind, partner in (("report", None), ("copy", "Public Health Unit")):
                body = round_pdf(round_, lang, partner=partner)
                reader = PdfReader(io.BytesIO(body))
                pages[(kind, lang)] = [
                    re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages
                ]
    return pages


SUMMARY = {"en": ("Summary", "What to talk about first"), "fr": ("Synthèse", "Ce dont parler")}
CAPTION = {"en": "Scores on each dimension, from 1 at the centre", "fr": "Les scores pour chaque"}


def test_the_summary_keeps_its_chart_on_its_page(demo_pdfs) -> None:
    for (kind, lang), pages in demo_pdfs.items():
        summary = pages[1]
        heading, flags = SUMMARY[lang]
        assert heading in summary and flags in summary, (kind, lang)
        # The radar's caption, under the chart, is on the summary page: not alone on the next.
        assert CAPTION[lang] in summary, (kind, lang)
        assert CAPTION[lang] not in pages[2], (kind, lang)
        # No flag cut off in the middle of a sentence.
        assert "…" not in summary, (kind, lang)


def test_the_partner_matrix_breaks_headers_between_words_only(demo_pdfs) -> None:
    for lang in ("en", "fr"):
        text = demo_pdfs[("report", lang)][2]
        # Hyphenation shows as "vis- ion" once the lines are joined; a line may still end at
        # a word's own hyphen ("decision- making", written "decision-making" elsewhere).
        for before, after in re.findall(r"(\w+)- (\w+)", text):
            assert f"{before}-{after}" in text, f"{before}- {after}"
        # A partner without answers: dashes, and no mark after them.
        row = re.search(r"Riverside District School Board 0 ([^A-Z]*)", text)
        assert row and row.group(1).split() == ["—"] * 7, row and row.group(1)


def test_the_partner_copy_points_to_nothing_it_lacks(demo_pdfs) -> None:
    english = " ".join(demo_pdfs[("copy", "en")])
    french = " ".join(demo_pdfs[("copy", "fr")])
    assert "partnership report" not in english.replace("Partnership report", "")
    assert "flag(s)" not in english and "signal(s)" not in french
    assert "rapport du partenariat" not in french.replace("Rapport du partenariat", "")
    assert re.search(r"\d+ other flags concern other partners only", english)
    assert re.search(r"\d+ autres signaux ne concernent que d’autres partenaires", french)
