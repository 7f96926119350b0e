"""The paper questionnaire (reports/paper.py): every question in the chosen language, read back
from the PDF with pypdf; the partnership, partner and round on every page; the question ids and
box values that the import file needs; metadata and tags; hostile text printed as text with
nothing fetched. No Flask."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from reports.paper import (
    FormDetails,
    UnknownLanguage,
    paper_form_content,
    render_paper_form,
)
from reports.pdf import REPORTS_DIR
from survey.core.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire
from tests.core.helpers import TINY, instrument_yaml
from tests.reports.test_reports import SpyFetcher

DEFAULT = Path(__file__).resolve().parents[2] / "questionnaires" / "partnership-health.yaml"
DETAILS = FormDetails(
    partnership="Riverside Safety Table",
    partner="Public Health Unit",
    round="Spring check-in",
    opens_on=date(2026, 3, 2),
    closes_on=date(2026, 3, 27),
    author="Dana Facilitator",
)
BLANK = FormDetails(partnership="Riverside Safety Table", round="Spring check-in")
LETTER = (612, 792)
A4 = (595.28, 841.89)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace as one space (lines wrap where they like)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def health() -> Questionnaire:
    return load_questionnaire(DEFAULT)


@pytest.fixture(scope="module")
def tiny() -> Questionnaire:
    return parse_questionnaire(TINY.read_text(encoding="utf-8"), "tiny.yaml")


@pytest.fixture(scope="module")
def form_en(health: Questionnaire) -> bytes:
    return render_paper_form(health, "en", DETAILS)


@pytest.fixture(scope="module")
def form_fr(health: Questionnaire) -> bytes:
    return render_paper_form(health, "fr", BLANK, page_size="a4")


# -- what the form says -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_question_section_and_option_is_printed_in_the_chosen_language(
    health: Questionnaire, form_en: bytes, form_fr: bytes, language: str
) -> None:
    pdf = form_en if language == "en" else form_fr
    text = " ".join(pages_text(pdf))
    for section in health.sections:
        assert squash(health.text(section.title, language)) in text
    for question in health.questions():
        assert squash(health.text(question.text, language)) in text, question.id
        if question.help:
            assert squash(health.text(question.help, language)) in text, question.id
        for option in question.options or []:
            assert squash(health.text(option.label, language)) in text
    other = "fr" if language == "en" else "en"
    first = next(health.questions())
    assert squash(health.text(first.text, other)) not in text


def test_questions_are_numbered_in_order_with_their_ids(
    health: Questionnaire, form_en: bytes
) -> None:
    text = " ".join(pages_text(form_en))
    positions = []
    for number, question in enumerate(health.questions(), start=1):
        position = text.find(f"{number}. {squash(health.text(question.text, 'en'))}")
        assert position >= 0, question.id
        positions.append(position)
        # The column of the import file it goes to, printed beside it.
        assert question.id in text[position : position + 400], question.id
    assert positions == sorted(positions)


def test_the_scale_its_values_and_dont_know_head_every_grid(
    health: Questionnaire, form_en: bytes
) -> None:
    pages = pages_text(form_en)
    scale = health.scales["agreement"]
    for page in pages[1:-1]:  # the question pages: every one starts with a grid's header
        if "Tick one box per row" not in page:
            continue
        for option in scale.options:
            assert squash(health.text(option.label, "en")) in page
    assert "Don’t know / not applicable na" in " ".join(pages)
    assert "communication" in pages[-2] or "communication" in pages[-1]  # role values


def test_the_partnership_partner_and_round_are_on_every_page(form_en: bytes) -> None:
    pages = pages_text(form_en)
    assert 4 <= len(pages) <= 10
    for number, page in enumerate(pages, start=1):
        assert "Riverside Safety Table" in page, number
        assert "Public Health Unit · Spring check-in" in page, number
        assert f"Page {number} of {len(pages)}" in page
        assert "Respondent id: __________" in page
        assert "partnership-health 1.0" in page


def test_a_blank_form_has_a_line_for_the_organisation_on_every_page(form_fr: bytes) -> None:
    pages = pages_text(form_fr)
    assert 4 <= len(pages) <= 10
    for number, page in enumerate(pages, start=1):
        assert "Organisme : ____" in page and "Spring check-in" in page, number
        assert f"Page {number} de {len(pages)}" in page
    assert "QUESTIONNAIRE SUR PAPIER" in pages[0]
    assert "la personne qui vous l’a remis" in pages[0]  # no author: returned to the giver
    assert "l’organisme inscrit sur la première page" in pages[-1]


def test_the_cover_says_how_to_tick_return_and_type_the_form_in(form_en: bytes) -> None:
    pages = pages_text(form_en)
    cover = pages[0]
    assert "PAPER QUESTIONNAIRE" in cover and "Partnership Health:" in cover
    assert "Organisation Public Health Unit" in cover
    assert "Spring check-in · from 2 March 2026 to 27 March 2026" in cover
    assert "tick one box for each statement" in cover
    assert "tick “Don’t know / not applicable”" in cover
    assert "return this form to Dana Facilitator. Please return it by 27 March 2026." in cover
    last = pages[-1]
    assert "For the person typing in the answers" in last
    assert "partner: Public Health Unit" in last
    assert "respondent, partner, then one column per question" in last


def test_metadata_title_language_author_and_tags(form_en: bytes, form_fr: bytes) -> None:
    for pdf, lang, title, author in (
        (
            form_en,
            "en",
            "Paper questionnaire — Riverside Safety Table — Public Health Unit — Spring check-in",
            "Dana Facilitator",
        ),
        (
            form_fr,
            "fr",
            "Questionnaire sur papier — Riverside Safety Table — Spring check-in",
            None,
        ),
    ):
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.metadata is not None
        assert reader.metadata.title == title
        assert reader.metadata.author == author
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == lang
        assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
        assert "/StructTreeRoot" in catalog
        xmp = catalog["/Metadata"].get_object().get_data()
        assert b'pdfuaid:part="1"' in xmp


def test_letter_by_default_and_a4_on_request(form_en: bytes, form_fr: bytes) -> None:
    letter = PdfReader(io.BytesIO(form_en)).pages[0].mediabox
    a4 = PdfReader(io.BytesIO(form_fr)).pages[0].mediabox
    assert (float(letter.width), float(letter.height)) == pytest.approx(LETTER, abs=0.5)
    assert (float(a4.width), float(a4.height)) == pytest.approx(A4, abs=0.5)


def test_a_small_instrument_has_a_cover_and_its_questions_on_one_page(
    tiny: Questionnaire,
) -> None:
    pdf = render_paper_form(tiny, "fr", FormDetails("Table", "Police", "Automne"))
    pages = pages_text(pdf)
    assert len(pages) in (2, 3)  # the key for typing the form in may need a page of its own
    assert "T1" not in pages[0]  # the questions start after the cover
    assert "1. T1" in pages[1] and "4. Rôle?" in pages[1] and "5. Ce qui fonctionne?" in pages[1]
    for page in pages:
        assert "Table" in page and "Police · Automne" in page


# -- the content, before layout -----------------------------------------------------------


def test_likert_questions_on_one_scale_share_a_grid_and_reversed_ones_look_alike(
    tiny: Questionnaire,
) -> None:
    content = paper_form_content(tiny, "en", BLANK)
    blocks = content["sections"][0]["blocks"]
    assert [b["kind"] for b in blocks] == ["grid", "choice", "text"]
    grid = blocks[0]
    assert [row["id"] for row in grid["rows"]] == ["t1", "t2", "p1"]  # t2 is reverse-keyed
    assert {tuple(row) for row in grid["rows"]} == {("number", "id", "text", "help")}
    assert [c["value"] for c in grid["columns"]] == ["1", "2", "3", "4", "5", "na"]
    assert [row["number"] for row in grid["rows"]] == [1, 2, 3]
    assert blocks[1]["number"] == 4 and not blocks[1]["multiple"]
    assert blocks[2]["lines"] >= 4


def test_a_scale_without_dont_know_has_no_such_column_nor_instruction() -> None:
    text = instrument_yaml({"trust": 2, "power_balance": 1}).replace(
        "    na: {label: {en: Don't know, fr: Ne sait pas}}\n", ""
    )
    text = text.replace(
        "      - {id: comments,",
        "      - id: help_wanted\n"
        "        type: multiple\n"
        '        text: {en: "Help?", fr: "Aide?"}\n'
        "        options: [{value: space, label: {en: Space, fr: Locaux}}, "
        "{value: advice, label: {en: Advice, fr: Conseils}}]\n"
        "      - {id: comments,",
    )
    q = parse_questionnaire(text, "no-na.yaml")
    content = paper_form_content(q, "en", BLANK)
    blocks = content["sections"][0]["blocks"]
    assert [c["value"] for c in blocks[0]["columns"]] == ["1", "2", "3", "4", "5"]
    notes = " ".join(content["instructions"]["notes"])
    assert "don't know" not in notes.lower()
    assert "tick all that apply" in notes
    assert any("space;advice" in line for line in content["typing"])
    choice = next(b for b in blocks if b["kind"] == "choice" and b["multiple"])
    assert [o["value"] for o in choice["options"]] == ["space", "advice"]


def test_an_unknown_language_or_page_size_is_refused(tiny: Questionnaire) -> None:
    with pytest.raises(UnknownLanguage) as caught:
        render_paper_form(tiny, "de", BLANK)
    assert caught.value.known == ["en", "fr"]
    with pytest.raises(ValueError, match="page size"):
        render_paper_form(tiny, "en", BLANK, page_size="legal")


# -- hostile text -------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src="http://example.com/x">'


def test_hostile_instrument_text_is_printed_as_text_and_fetches_nothing() -> None:
    text = TINY.read_text(encoding="utf-8")
    text = text.replace("{en: T1, fr: T1}", "{en: '" + IMG + "', fr: T1}")
    text = text.replace('{en: "Role?"', '{en: "' + SCRIPT + '"')
    text = text.replace("title: {en: One,", "title: {en: '" + IMG + " section',")
    text = text.replace("{en: Agree,", "{en: '<style>@import url(http://e.x/)</style>',")
    q = parse_questionnaire(text, "hostile.yaml")
    spy = SpyFetcher()
    details = FormDetails(
        partnership='<b onload="x()">Table</b>',
        partner=SCRIPT,
        round="url(http://e.x/)",
        author='"><link rel=stylesheet href=http://e.x/s.css>',
    )
    pdf = render_paper_form(q, "en", details, url_fetcher=spy)
    pages = pages_text(pdf)
    body = " ".join(pages)
    assert IMG in body and SCRIPT in body
    assert f"{IMG} section" in body
    # A grid's header column is narrow: the label wraps inside its words.
    assert "<style>@importurl(http://e.x/)</style>" in body.replace(" ", "")
    assert '<b onload="x()">Table</b>' in body
    for page in pages:
        assert f"{SCRIPT} · url(http://e.x/)" in page
    assert spy.asked, "the fonts come through the fetcher"
    assert all(url.startswith(REPORTS_DIR.as_uri()) for url in spy.asked), spy.asked
    assert not any("example.com" in url or "e.x" in url for url in spy.asked)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None
    assert reader.metadata.author == details.author


def test_the_paper_form_loads_no_flask() -> None:
    code = (
        "import sys, reports.paper; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'flask_login'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- which questions need an answer: as the instrument says, as online (issue 15, item 12) -


def _with_required(required: dict[str, bool]) -> Questionnaire:
    text = TINY.read_text(encoding="utf-8").replace("required: true, ", "")
    for question_id, value in required.items():
        text = text.replace(
            f"{{id: {question_id}, type:",
            f"{{id: {question_id}, required: {str(value).lower()}, type:",
        ).replace(
            f"- id: {question_id}\n",
            f"- id: {question_id}\n        required: {str(value).lower()}\n",
        )
    return parse_questionnaire(text, "tiny.yaml")


def test_the_default_cover_no_longer_lets_every_question_be_left_out(form_en: bytes) -> None:
    cover = pages_text(form_en)[0]
    assert "You may leave out any question" not in cover
    assert "Please answer every question, except those marked “optional”" in cover
    # The two comment boxes are the optional ones, and say so beside their text.
    text = " ".join(pages_text(form_en))
    assert text.count("(optional)") == 2


def test_the_cover_follows_the_instrument_required_questions(health: Questionnaire) -> None:
    def notes(q: Questionnaire, language: str = "en") -> str:
        return " ".join(paper_form_content(q, language, BLANK)["instructions"]["notes"])

    nothing = _with_required({})
    assert "You may leave out any question" in notes(nothing)
    assert paper_form_content(nothing, "en", BLANK)["marks"] == {}

    everything = _with_required({x: True for x in ("t1", "t2", "p1", "partner_role", "works")})
    assert notes(everything).startswith("Please answer every question.")
    assert "leave out" not in notes(everything)
    assert paper_form_content(everything, "en", BLANK)["marks"] == {}
    # "Don't know" stays the way to answer what one does not know.
    assert "tick “Don't know”" in notes(everything)

    one = _with_required({"t1": True})
    assert "Questions marked “required” need an answer" in notes(one)
    assert paper_form_content(one, "en", BLANK)["marks"] == {"t1": "required"}
    assert "«\u00a0obligatoire\u00a0»" in notes(one, "fr")

    default = paper_form_content(health, "fr", BLANK)
    optional = {x.id for x in health.questions() if not x.required}
    assert default["marks"] == dict.fromkeys(optional, "facultative")
    assert "sauf celles marquées «\u00a0facultative\u00a0»" in " ".join(
        default["instructions"]["notes"]
    )
