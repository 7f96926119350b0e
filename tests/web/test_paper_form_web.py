"""Paper questionnaires on the web and on the command line: the round page offers a blank form
and one per partner, in the instrument's languages and two paper sizes; the PDF routes answer
their owner only and print the round's pinned instrument; ``survey paper-form`` writes one from
a round or from an instrument file, with a clear message and status 2 for bad input."""

from __future__ import annotations

import hashlib
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from pypdf import PdfReader

from survey.cli import cli
from survey.store.database import db
from tests.helpers import INSTRUMENT, QUESTIONNAIRES, instrument, text_of

A4_HEIGHT = 841.89


def pages_of(body: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(body))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def question_text(language: str, number: int = 0) -> str:
    question = list(instrument().questions())[number]
    return re.sub(r"\s+", " ", instrument().text(question.text, language))


# -- the PDF routes -----------------------------------------------------------------------


def test_the_owner_downloads_a_blank_form(client, login, world) -> None:
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/paper-form.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "riverside-safety-table-spring-check-in-paper-form-en.pdf" in disposition
    pages = pages_of(response.data)
    assert 4 <= len(pages) <= 10
    for page in pages:
        assert "Riverside Safety Table" in page
        assert "Organisation: ____" in page and "Spring check-in" in page
    text = " ".join(pages)
    for number in range(len(list(instrument().questions()))):
        assert question_text("en", number) in text


def test_a_partner_form_in_french_on_a4(client, login, world) -> None:
    login(client, world.owner)
    partner_id = world.partnership.partners["Public Health"]
    response = client.get(
        f"/rounds/{world.round.id}/partners/{partner_id}/paper-form.pdf?lang=fr&size=a4"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "public-health-paper-form-fr.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert float(reader.pages[0].mediabox.height) == pytest.approx(A4_HEIGHT, abs=0.5)
    pages = pages_of(response.data)
    for number, page in enumerate(pages, start=1):
        assert "Public Health · Spring check-in" in page
        assert f"Page {number} de {len(pages)}" in page
    assert question_text("fr") in " ".join(pages)
    assert "Organisme Public Health" in pages[0]


def test_a_language_or_size_it_does_not_know_falls_back(client, login, world) -> None:
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/paper-form.pdf?lang=de&size=legal")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == "en"  # the instrument's first language
    assert float(reader.pages[0].mediabox.width) == pytest.approx(612, abs=0.5)  # Letter


def test_the_form_prints_the_instrument_the_round_pinned(app, client, login, world) -> None:
    from survey.store.models import Round

    original = question_text("en")
    with app.app_context():
        round_ = db.session.get(Round, world.round.id)
        # Pinned as the app pins: the text with its hash, the instrument's identity
        # (docs/decisions/0013-instruments-known-by-their-hash.md).
        text = round_.instrument_yaml.replace(original, "Pinned wording.")
        round_.instrument_yaml = text
        round_.instrument_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        db.session.commit()
    login(client, world.owner)
    text = " ".join(pages_of(client.get(f"/rounds/{world.round.id}/paper-form.pdf").data))
    assert "1. Pinned wording." in text
    assert original not in text


def test_forms_of_another_facilitator_are_not_found(client, login, world) -> None:
    login(client, world.other)
    round_id, partner_id = world.round.id, world.partnership.partners["Police"]
    assert client.get(f"/rounds/{round_id}/paper-form.pdf").status_code == 404
    assert client.get(f"/rounds/{round_id}/partners/{partner_id}/paper-form.pdf").status_code == 404


def test_a_partner_of_another_partnership_is_not_found(
    client, login, world, make_partnership
) -> None:
    elsewhere = make_partnership(world.owner, ("Fire",), name="Elsewhere")
    theirs = make_partnership(world.other, ("Parks",), name="Not yours")
    login(client, world.owner)
    for partner_id in (elsewhere.partners["Fire"], theirs.partners["Parks"], 99999):
        url = f"/rounds/{world.round.id}/partners/{partner_id}/paper-form.pdf"
        assert client.get(url).status_code == 404, partner_id


def test_anonymous_visitors_are_sent_to_sign_in(client, world) -> None:
    response = client.get(f"/rounds/{world.round.id}/paper-form.pdf")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_round_page_offers_a_blank_form_and_one_per_partner(client, login, world) -> None:
    login(client, world.owner)
    page = text_of(client.get(f"/rounds/{world.round.id}"))
    round_id = world.round.id
    assert f'action="/rounds/{round_id}/paper-form.pdf"' in page
    for name, partner_id in world.partnership.partners.items():
        assert f'formaction="/rounds/{round_id}/partners/{partner_id}/paper-form.pdf"' in page
        assert html.unescape(name) in page
    assert '<option value="fr" lang="fr">Français</option>' in page
    assert '<option value="a4">A4</option>' in page


class TestWithThePdfCache:
    @pytest.fixture
    def app_overrides(self, tmp_path: Path) -> dict[str, Any]:
        return {"PDF_CACHE_DIR": str(tmp_path / "pdf-cache")}

    def test_a_form_asked_for_again_is_laid_out_once(self, app, client, login, world) -> None:
        from survey.store.models import Partner

        def cached() -> list[Path]:
            return sorted(Path(app.config["PDF_CACHE_DIR"]).glob("*/*.pdf"))

        login(client, world.owner)
        partner_id = world.partnership.partners["Police"]
        url = f"/rounds/{world.round.id}/partners/{partner_id}/paper-form.pdf"
        first = client.get(url)
        assert first.status_code == 200 and len(cached()) == 1
        assert client.get(url).data == first.data and len(cached()) == 1
        with app.app_context():
            db.session.get(Partner, partner_id).name = "Police service"
            db.session.commit()
        renamed = client.get(url)
        assert len(cached()) == 2
        assert "Police service · Spring check-in" in pages_of(renamed.data)[0]


# -- the command line ---------------------------------------------------------------------


def invoke(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(cli, list(args))


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_survey_paper_form_from_a_round(app, world, tmp_path: Path) -> None:
    out = tmp_path / "form.pdf"
    result = invoke(
        app,
        "paper-form",
        "--round",
        str(world.round.id),
        "--out",
        str(out),
        "--lang",
        "fr",
        "--partner",
        "Housing",
        "--size",
        "a4",
    )
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    pages = pages_of(out.read_bytes())
    assert all("Housing · Spring check-in" in page for page in pages)
    assert question_text("fr") in " ".join(pages)
    height = float(PdfReader(io.BytesIO(out.read_bytes())).pages[0].mediabox.height)
    assert height == pytest.approx(A4_HEIGHT, abs=0.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--round", "99999"], "--round: no round with id 99999"),
        (
            ["--partner", "Fire"],
            "--partner: no partner named 'Fire' in the partnership — use one of: "
            "Police, Public Health, Housing",
        ),
        (["--lang", "de"], "--lang: 'de' is not one of the instrument's languages"),
        (["--out", "/nonexistent-folder/f.pdf"], "the folder /nonexistent-folder does not exist"),
        (["-q", str(QUESTIONNAIRES / INSTRUMENT)], "both --round and --questionnaire"),
        (["--name", "Other"], "--name: given with --round"),
    ],
)
def test_survey_paper_form_bad_input_exits_2_with_a_message(
    app, world, tmp_path: Path, args: list[str], message: str
) -> None:
    base = {"--round": str(world.round.id), "--out": str(tmp_path / "f.pdf")}
    for option, value in zip(args[::2], args[1::2], strict=True):
        base[option] = value
    result = invoke(app, "paper-form", *[part for pair in base.items() for part in pair])
    no_traceback(result)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "f.pdf").exists()


def test_survey_paper_form_from_an_instrument_file_needs_no_app(tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    questionnaire = str(QUESTIONNAIRES / INSTRUMENT)
    result = CliRunner().invoke(
        cli, ["paper-form", "--questionnaire", questionnaire, "--out", str(out)]
    )
    no_traceback(result)
    assert result.exit_code == 0, result.output
    pages = pages_of(out.read_bytes())
    assert "Partnership Health: a self-assessment" in pages[0]
    assert all("Organisation: ____" in page for page in pages)
    assert question_text("en") in " ".join(pages)

    for args, message in (
        (["-q", str(tmp_path / "nope.yaml")], "nope.yaml: no such file"),
        (["-q", questionnaire, "--lang", "de"], "--lang: 'de' is not one of"),
        ([], "survey paper-form: no input"),
    ):
        result = CliRunner().invoke(cli, ["paper-form", *args, "--out", str(tmp_path / "x.pdf")])
        no_traceback(result)
        assert result.exit_code == 2, args
        assert message in result.output, result.output
    assert not (tmp_path / "x.pdf").exists()
