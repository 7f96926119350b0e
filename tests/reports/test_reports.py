"""Printed reports: what the PDF says (read back with pypdf), in which language, on how many
pages, with which metadata; what a partner copy leaves out; hostile text stays text and
fetches nothing; the SVG radar follows the chart model; the symposium pack's ZIP."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import date
from typing import Any
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from reports import charts
from reports.content import ReportDetails, UnknownPartner, report_content
from reports.pack import INDEX_NAME, PackItem, symposium_pack
from reports.pdf import REPORTS_DIR, LocalFetcher, RefusedURL, render_partnership_report
from reports.svg import dash_array, radar_html, radar_svg
from survey.core.questionnaire import parse_questionnaire
from survey.core.scoring import PartnerInfo, answer_set, score
from tests.core.helpers import TINY

PARTNERS = [
    PartnerInfo("Police", "police", True, "collaboration", 2),
    PartnerInfo("Health", "health", False, "collaboration", 3),
    PartnerInfo("Youth Hub", "youth", False, "coordination", 2),
    PartnerInfo("Schools", "education", False, "cooperation", 2),  # invited, silent
]
ROWS = [
    # t2 is reverse-keyed: trust = mean(t1, 6 - t2); power balance = p1.
    (
        "a",
        "Police",
        {
            "t1": 5,
            "t2": 1,
            "p1": 5,
            "partner_role": "collaboration",
            "works": "Meetings start on time",
        },
    ),
    ("b", "Police", {"t1": 5, "t2": 1, "p1": 5, "partner_role": "collaboration"}),
    (
        "c",
        "Health",
        {
            "t1": 2,
            "t2": 4,
            "p1": 2,
            "partner_role": "communication",
            "works": "We rarely hear back",
        },
    ),
    ("d", "Youth Hub", {"t1": 3, "t2": 3, "p1": 2, "partner_role": "coordination"}),
]
DETAILS = ReportDetails(
    partnership="Riverside Safety Table",
    round="Spring check-in",
    opens_on=date(2026, 3, 2),
    closes_on=date(2026, 3, 27),
    generated_on=date(2026, 4, 1),
    author="Dana Facilitator",
)
LETTER = (612, 792)
A4 = (595.28, 841.89)


def build(partners: list[PartnerInfo], rows: list[Any], language: str) -> dict[str, Any]:
    q = parse_questionnaire(TINY.read_text(encoding="utf-8"), "tiny.yaml")
    return dict(score(q, partners, answer_set(q, partners, rows), language))


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace as one space (lines wrap where they like)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


class SpyFetcher(LocalFetcher):
    """The report's own fetcher, remembering every URL it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        self.asked.append(url)
        return super().fetch(url, headers)


@pytest.fixture(scope="module")
def report_en() -> dict[str, Any]:
    return build(PARTNERS, ROWS, "en")


@pytest.fixture(scope="module")
def report_fr() -> dict[str, Any]:
    return build(PARTNERS, ROWS, "fr")


@pytest.fixture(scope="module")
def pdf_en(report_en: dict[str, Any]) -> bytes:
    return render_partnership_report(report_en, DETAILS)


@pytest.fixture(scope="module")
def pdf_fr(report_fr: dict[str, Any]) -> bytes:
    return render_partnership_report(report_fr, DETAILS, page_size="a4")


@pytest.fixture(scope="module")
def copy_health(report_en: dict[str, Any]) -> bytes:
    return render_partnership_report(report_en, DETAILS, partner="Health")


# -- the partnership report ---------------------------------------------------------------


def test_the_report_has_one_page_per_section_and_per_partner(pdf_en: bytes) -> None:
    pages = pages_text(pdf_en)
    # cover, summary, dimensions, 4 partners, flags, comments, method
    assert len(pages) == 10
    assert "PARTNERSHIP REPORT" in pages[0] and "Riverside Safety Table" in pages[0]
    assert "Summary" in pages[1]
    assert "Dimensions" in pages[2] and "Scores by partner" in pages[2]
    for page, partner in zip(pages[3:7], ("Police", "Health", "Youth Hub", "Schools"), strict=True):
        assert page.startswith(f"{partner} ")
        assert f"Riverside Safety Table {partner} Partnership report" in page  # header, footer
    assert "Flags and practices to try" in pages[7]
    assert "Comments" in pages[8]
    assert "How to read this report" in pages[9]
    assert "Page 2 of 10" in pages[1] and "Page 10 of 10" in pages[9]
    assert "Page 1 of" not in pages[0]  # the cover has no running header or footer


def test_the_report_names_partners_dimensions_and_evidence(
    pdf_en: bytes, report_en: dict[str, Any]
) -> None:
    text = " ".join(pages_text(pdf_en))
    for name in ("Police", "Health", "Youth Hub", "Schools"):
        assert name in text
    assert "Trust" in text and "Power balance" in text
    rules = {flag["rule"] for flag in report_en["flags"]}
    assert {"power-imbalance", "perception-gap", "role-mismatch", "silent-partner"} <= rules
    for flag in report_en["flags"]:
        assert flag["evidence"] in text, flag["rule"]
        assert flag["recommendation"] in text
    assert "No one from Schools has responded yet (2 invited)." in text


def test_the_cover_and_summary_say_what_the_round_is_and_what_it_shows(pdf_en: bytes) -> None:
    cover, summary = pages_text(pdf_en)[:2]
    assert "Spring check-in" in cover
    assert "from 2 March 2026 to 27 March 2026" in cover
    assert "44% (4 / 9 invited)" in cover  # 4 respondents of the 9 people invited
    assert "English" in cover and "Dana Facilitator" in cover and "1 April 2026" in cover
    assert "Strong signs of a partnership in name only: make time to discuss them." in summary
    assert "What to talk about first" in summary and "Power imbalance" in summary


def test_the_partner_page_compares_its_role_with_the_listed_one(pdf_en: bytes) -> None:
    health = pages_text(pdf_en)[4]
    assert "Role the partnership lists collaboration" in health
    assert "Role its respondents report communication" in health
    assert "Its respondents describe a lesser role than the one listed." in health
    schools = pages_text(pdf_en)[6]
    assert "No responses from this partner yet." in schools


def test_the_method_page_gives_bands_rules_and_the_instrument(
    pdf_en: bytes, report_en: dict[str, Any]
) -> None:
    method = pages_text(pdf_en)[9]
    assert "4.00 and above" in method and "below 3.00" in method
    assert "the partnership scores below 3.00 on Power balance" in method
    sha = report_en["questionnaire"]["sha256"]
    assert sha in method.replace(" ", "")
    assert "Identifier tiny, version 1." in method


def test_comments_are_shown_without_names_and_withheld_below_the_group_size(
    report_en: dict[str, Any], pdf_en: bytes
) -> None:
    comments = pages_text(pdf_en)[8]
    assert "Meetings start on time" in comments and "We rarely hear back" in comments
    small = report_content(report_en, ReportDetails("P", min_group_size=3))
    assert small["comments"] == [{"question": "What works?", "answers": [], "withheld": True}]


def test_french_report_in_french_with_decimal_commas(
    pdf_fr: bytes, report_fr: dict[str, Any]
) -> None:
    pages = pages_text(pdf_fr)
    text = " ".join(pages)
    assert len(pages) == 10
    assert "RAPPORT DU PARTENARIAT" in pages[0]
    assert "du 2 mars 2026 au 27 mars 2026" in pages[0] and "français" in pages[0]
    assert "Synthèse" in pages[1] and "Page 2 de 10" in pages[1]
    assert "Confiance" in text and "Équilibre des pouvoirs" in text
    assert "Comment lire ce rapport" in pages[9] and "4,00 et plus" in pages[9]
    for flag in report_fr["flags"]:
        assert flag["evidence"] in text
    assert "Personne de Schools n’a encore répondu (2 personnes invitées)." in text


def test_metadata_title_language_author_and_tags(pdf_en: bytes, pdf_fr: bytes) -> None:
    for pdf, lang, title in (
        (pdf_en, "en", "Partnership report — Riverside Safety Table — Spring check-in"),
        (pdf_fr, "fr", "Rapport du partenariat — Riverside Safety Table — Spring check-in"),
    ):
        reader = PdfReader(io.BytesIO(pdf))
        assert reader.metadata is not None
        assert reader.metadata.title == title
        assert reader.metadata.author == "Dana Facilitator"
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == lang
        assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
        assert "/StructTreeRoot" in catalog
        xmp = catalog["/Metadata"].get_object().get_data()
        assert b'pdfuaid:part="1"' in xmp  # declared PDF/UA-1


def test_fonts_are_embedded_from_the_package(pdf_en: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_en))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values())
    assert all("Report-Sans" in name for name in fonts)


def test_letter_by_default_and_a4_on_request(pdf_en: bytes, pdf_fr: bytes) -> None:
    letter = PdfReader(io.BytesIO(pdf_en)).pages[0].mediabox
    a4 = PdfReader(io.BytesIO(pdf_fr)).pages[0].mediabox
    assert (float(letter.width), float(letter.height)) == pytest.approx(LETTER, abs=0.5)
    assert (float(a4.width), float(a4.height)) == pytest.approx(A4, abs=0.5)
    with pytest.raises(ValueError, match="page size"):
        render_partnership_report({"language": "en"}, DETAILS, page_size="legal")


# -- a partner's copy ---------------------------------------------------------------------


def test_a_partner_copy_names_that_partner_and_no_other(copy_health: bytes) -> None:
    pages = pages_text(copy_health)
    text = " ".join(pages)
    # cover, summary, its own page, flags, method: no dimension matrix, no comments
    assert len(pages) == 5
    assert "Copy for Health" in pages[0]
    assert "Health" in text
    for other in ("Police", "Youth Hub", "Schools"):
        assert other not in text, other
    assert "Scores by partner" not in text and "Comments" not in text
    # Its flags are there; evidence that names others is replaced by a pointer.
    assert "Role mismatch" in text and "Power imbalance" in text
    # Not "see the partnership report": a partner does not have it (issue 15, item 15).
    assert "The evidence names other partners, so it is not printed in this copy" in text
    assert "see the partnership report" not in text and "flag(s)" not in text
    assert "Health is listed as collaboration, but its respondents most often" in text


def test_a_partner_copy_of_an_unknown_partner_is_refused(report_en: dict[str, Any]) -> None:
    with pytest.raises(UnknownPartner) as caught:
        render_partnership_report(report_en, DETAILS, partner="Fire")
    assert caught.value.known == ["Police", "Health", "Youth Hub", "Schools"]


# -- hostile text -------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src="http://example.com/x.png">'


def test_hostile_text_is_printed_as_text_and_fetches_nothing() -> None:
    partners = [PartnerInfo(SCRIPT, "", True, None, 1), PartnerInfo("Health", "", False, None, 1)]
    rows = [
        ("a", SCRIPT, {"t1": 4, "t2": 2, "p1": 4, "works": IMG}),
        ("b", "Health", {"t1": 3, "t2": 3, "p1": 3}),
    ]
    report = build(partners, rows, "en")
    spy = SpyFetcher()
    details = ReportDetails(partnership='<b onload="x()">Table</b>', round="url(http://e.x/)")
    pdf = render_partnership_report(report, details, url_fetcher=spy)
    text = " ".join(pages_text(pdf))
    assert SCRIPT in text
    assert IMG in text
    assert '<b onload="x()">Table</b>' in text
    assert spy.asked, "the fonts come through the fetcher"
    assert all(url.startswith(REPORTS_DIR.as_uri()) for url in spy.asked), spy.asked
    assert not any("example.com" in url or "e.x" in url for url in spy.asked)
    copy = " ".join(pages_text(render_partnership_report(report, details, partner=SCRIPT)))
    assert SCRIPT in copy and "Health" not in copy


def test_the_fetcher_refuses_anything_but_its_own_files() -> None:
    fetcher = LocalFetcher()
    for url in (
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        (REPORTS_DIR / ".." / "pyproject.toml").as_uri(),
        "file://evil.example/" + str(REPORTS_DIR / "shared.css"),
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    font = fetcher.fetch((REPORTS_DIR / "fonts" / "DejaVuSans.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


# -- the SVG renderer of the chart model --------------------------------------------------


def test_the_svg_radar_draws_the_same_spec_as_the_dashboard(report_en: dict[str, Any]) -> None:
    spec = charts.radar_spec(report_en)
    svg = radar_svg(spec)
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    texts = [" ".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert "Trust" in texts and "Power balance" in texts
    legend = " ".join(texts)
    for series in spec.series:
        assert series.name in legend
    assert "Borderline (3.00)" in legend and "Strength (4.00)" in legend
    strokes = {p.get("stroke") for p in root.iter(f"{ns}path")}
    assert {s.colour for s in spec.series} <= strokes
    dashes = {p.get("stroke-dasharray") for p in root.iter(f"{ns}path")}
    assert dash_array("dash", 2.0) in dashes  # the second partner's dash, as Plotly draws it
    title = root.find(f"{ns}title")
    assert title is not None and "Police: Trust 5.00" in (title.text or "")


def test_svg_escapes_names_and_leaves_out_hidden_series(report_en: dict[str, Any]) -> None:
    spec = charts.radar_spec(report_en, visible_partners=1)
    spec = type(spec)(
        spec.axes,
        (*spec.series, charts.Series('<a href="x">&', (1.0, None), "#000000")),
        spec.rings,
    )
    svg = radar_svg(spec)
    ElementTree.fromstring(svg)  # well-formed: nothing typed by people became markup
    assert "&lt;a href=&quot;x&quot;&gt;&amp;" in svg or '&lt;a href="x"&gt;&amp;' in svg
    assert "Health" not in svg  # hidden: only the partnership and the lead are drawn
    html = radar_html(spec, width_mm=100)
    assert "<a href" not in html and "&lt;a href" in html


def test_dash_patterns_scale_with_the_line_as_plotly_does() -> None:
    assert dash_array("solid", 2) == ""
    assert dash_array("dot", 2) == "3 3"
    assert dash_array("dash", 4) == "12 12"
    assert dash_array("longdashdot", 3) == "15 6 3 6"


# -- the symposium pack -------------------------------------------------------------------


def test_a_symposium_pack_holds_each_report_and_an_index(report_en: dict[str, Any]) -> None:
    other = ReportDetails("Northside Youth Table", "Autumn", generated_on=date(2026, 4, 2))
    steps: list[tuple[int, int, str]] = []
    body = symposium_pack(
        [PackItem(report_en, DETAILS), PackItem(report_en, other)],
        progress=lambda done, total, name: steps.append((done, total, name)),
    )
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = archive.namelist()
    assert names == [
        "01-riverside-safety-table-spring-check-in.pdf",
        "02-northside-youth-table-autumn.pdf",
        INDEX_NAME,
    ]
    assert archive.testzip() is None
    assert len(PdfReader(io.BytesIO(archive.read(names[1]))).pages) == 10
    index = " ".join(pages_text(archive.read(INDEX_NAME)))
    assert "Symposium pack" in index
    assert "Riverside Safety Table" in index and "Northside Youth Table" in index
    assert names[0] in index.replace("- ", "-")  # long file names wrap at their hyphens
    assert [done for done, _, _ in steps] == [1, 2, 3]
    assert {total for _, total, _ in steps} == {3}


def test_a_round_nobody_answered_is_never_an_all_clear() -> None:
    report = build(PARTNERS, [], "en")
    summary = pages_text(render_partnership_report(report, DETAILS))[1]
    assert "No submitted responses yet: there is nothing to read yet." in summary
    assert "No signs of a partnership in name only" not in summary
    assert "nothing here suggests" not in summary


def test_the_renderer_loads_no_flask() -> None:
    code = (
        "import sys, reports.pdf, reports.pack, reports.content, reports.svg; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'flask_login'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- typography (issue 15, item 15) -------------------------------------------------------


def test_summary_evidence_keeps_whole_sentences_and_points_to_the_flags() -> None:
    from reports.content import summary_evidence
    from reports.words import words

    w = words("en")
    evidence = (
        "The partnership scores 2.85 on Balance of power, below 3.00. Public Health Unit "
        "scores 2.81 on Balance of power, 1.61 below the lead (Riverside Police Service: 4.42). "
        "Riverside Housing scores 2.58 on Balance of power, 1.83 below the lead (Riverside "
        "Police Service: 4.42)."
    )
    short = summary_evidence(evidence, w, limit=170)
    assert short == (
        "The partnership scores 2.85 on Balance of power, below 3.00. Public Health Unit "
        "scores 2.81 on Balance of power, 1.61 below the lead (Riverside Police Service: 4.42). "
        "More under “Flags and practices to try”."
    )
    assert "…" not in short
    assert summary_evidence("One sentence only.", w) == "One sentence only."
    # A first sentence longer than the limit is kept whole.
    long = "A" * 300 + ". Then more."
    assert summary_evidence(long, w).startswith("A" * 300 + ". More under")
    fr = summary_evidence(
        "Le partenariat obtient 2,85 pour « Équilibre des pouvoirs », sous 3,00. " + "x " * 90,
        words("fr"),
    )
    assert fr.endswith("Suite sous «\u00a0Signaux et pratiques à essayer\u00a0».")


def test_a_partner_without_scores_shows_a_dash_and_no_mark(report_en: dict[str, Any]) -> None:
    content = report_content(report_en, DETAILS)
    schools = next(row for row in content["matrix"]["rows"] if row["partner"] == "Schools")
    assert all(cell == ("—", "none", "") for cell in schools["cells"])
    page = next(p for p in content["partners"] if p["name"] == "Schools")
    assert all(row["band"]["mark"] == "" for row in page["rows"])


def test_other_flags_are_counted_in_words(report_en: dict[str, Any]) -> None:
    from reports.content import _other_flags
    from reports.words import words

    assert _other_flags(0, words("en")) == ""
    assert _other_flags(1, words("en")).startswith("One other flag concerns")
    assert _other_flags(7, words("en")).startswith("7 other flags concern")
    assert _other_flags(1, words("fr")).startswith("Un autre signal ne concerne")
    assert _other_flags(7, words("fr")).startswith("7 autres signaux ne concernent")


def test_matrix_headers_are_never_hyphenated() -> None:
    css = (REPORTS_DIR / "partnership" / "report.css").read_text(encoding="utf-8")
    assert "hyphens: auto" not in css
    assert re.search(r"\.matrix thead th \{[^}]*hyphens: manual", css)


def test_a_round_below_the_minimum_group_size_prints_counts_and_no_empty_radar() -> None:
    q = parse_questionnaire(TINY.read_text(encoding="utf-8"), "tiny.yaml")
    answers = answer_set(q, PARTNERS, ROWS)
    shown = report_content(dict(score(q, PARTNERS, answers, "en")), DETAILS)
    withheld = dict(score(q, PARTNERS, answers, "en", min_group=len(ROWS) + 1))
    assert withheld["privacy"]["withheld"]
    assert "<svg" in shown["radar"]
    assert report_content(withheld, DETAILS)["radar"] == ""
    text = " ".join(pages_text(render_partnership_report(withheld, DETAILS)))
    assert "Respondents" in text or "respondents" in text
