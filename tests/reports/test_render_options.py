"""What makes the first layout lighter (docs/decisions/0020-lighter-pdf-layout.md): the
trimmed user-agent stylesheet draws the same pages, young collections are spaced out only
while a report renders, and a large round's partner pages are compact, with a partner's radar
only where it departs from the partnership's profile."""

from __future__ import annotations

import gc
import io
import threading
from typing import Any

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from reports import pdf
from reports.content import COMPACT_FROM, DEPARTS_BY, departs, report_content
from reports.pdf import (
    BASE_URL,
    PDF_VARIANT,
    REPORTS_DIR,
    ReportHTML,
    document_styles,
    fewer_collections,
    partnership_report_html,
    render_partnership_report,
    trimmed_ua_stylesheet,
)
from survey.core.scoring import PartnerInfo
from tests.reports.test_reports import DETAILS, PARTNERS, ROWS, build, pages_text


def round_of(n_partners: int, departing: int | None = None) -> dict[str, Any]:
    """``n_partners`` partners of three respondents with alike answers; partner ``departing``
    (if any) scores trust two points lower."""
    partners = [
        PartnerInfo(f"Partner {i:02d}", "sector", i == 0, "collaboration", 3)
        for i in range(n_partners)
    ]
    rows = []
    for i in range(n_partners):
        t1 = 2 if i == departing else 4
        for r in range(3):
            answers = {"t1": t1, "t2": 2, "p1": 3 + r % 2, "partner_role": "collaboration"}
            rows.append((f"r{i}-{r}", f"Partner {i:02d}", answers))
    report = build(partners, rows, "en")
    assert len(report["partners"]) == n_partners  # nobody pooled
    return report


def test_the_installed_weasyprint_stylesheet_is_trimmed() -> None:
    """If a WeasyPrint upgrade changes its stylesheet, the stock one is used: this says so."""
    trimmed = trimmed_ua_stylesheet()
    assert trimmed is not None
    assert "li::marker, summary::marker {" in trimmed
    assert "\n::marker" not in trimmed and "::footnote" not in trimmed and "::note" not in trimmed
    assert trimmed_ua_stylesheet("p { color: red }") is None


def test_no_report_stylesheet_uses_footnotes_or_notes() -> None:
    """The trimmed stylesheet leaves out the footnote and note rules: nothing may need them."""
    for sheet in REPORTS_DIR.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        assert "footnote" not in text and "note-" not in text, sheet


def test_the_trimmed_stylesheet_draws_the_same_pages() -> None:
    report = build(PARTNERS, ROWS, "en")
    html = partnership_report_html(report, DETAILS)
    fetcher, fonts, sheets = document_styles("partnership")

    def pages(html_class: type[HTML]) -> list[bytes]:
        document = html_class(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        data = document.write_pdf(stylesheets=sheets, font_config=fonts, pdf_variant=PDF_VARIANT)
        return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(data)).pages]

    stock, trimmed = pages(HTML), pages(ReportHTML)
    assert len(stock) == len(trimmed) == 10
    assert stock == trimmed  # every page's drawing operators, byte for byte


def test_collections_are_spaced_out_only_while_a_report_renders() -> None:
    before = gc.get_threshold()
    seen = []
    with fewer_collections():
        seen.append(gc.get_threshold()[0])
        with fewer_collections():  # a second render at the same time (another thread)
            seen.append(gc.get_threshold()[0])
        seen.append(gc.get_threshold()[0])  # the first one is still rendering
    assert seen == [pdf.RENDER_GC_THRESHOLD] * 3
    assert gc.get_threshold() == before


def test_threads_rendering_at_once_leave_the_threshold_as_it_was() -> None:
    before = gc.get_threshold()
    start = threading.Barrier(4)

    def render() -> None:
        start.wait()
        with fewer_collections():
            assert gc.get_threshold()[0] == pdf.RENDER_GC_THRESHOLD

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.get_threshold() == before


def test_a_failed_render_puts_the_threshold_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("layout failed")
    assert gc.get_threshold() == before


def test_a_partner_departs_when_some_dimension_differs_by_half_a_point() -> None:
    report = round_of(COMPACT_FROM, departing=3)
    away = {p["partner"] for p in report["partners"] if departs(report, p)}
    assert away == {"Partner 03"}
    overall = report["partnership"]["scores"]
    mine = report["partners"][3]["scores"]
    assert max(abs(mine[d] - overall[d]) for d in overall) >= DEPARTS_BY


def test_a_large_round_draws_radars_only_where_a_partner_departs() -> None:
    report = round_of(COMPACT_FROM, departing=3)
    content = report_content(report, DETAILS)
    assert content["compact"]
    drawn = [p["name"] for p in content["partners"] if p["radar"]]
    assert drawn == ["Partner 03"]
    # A partner copy keeps its single full page (its radar is the summary's), and a
    # smaller round one radar per partner.
    copy = report_content(report, DETAILS, partner="Partner 05")
    assert not copy["compact"]
    small = report_content(round_of(COMPACT_FROM - 1), DETAILS)
    assert not small["compact"]
    assert all(p["radar"] for p in small["partners"])


def test_a_large_rounds_partners_share_pages_and_are_all_there() -> None:
    n = COMPACT_FROM + 1
    report = round_of(n, departing=3)
    pages = pages_text(render_partnership_report(report, DETAILS))
    with_partner = [i for i, page in enumerate(pages) if "Role the partnership lists" in page]
    # cover, summary, dimensions, then the partners several to a page, flags, comments, method
    assert len(with_partner) < n
    for i in range(n):
        assert sum(page.count(f"Partner {i:02d} ") for page in pages) >= 1
    assert sum(page.count("Role the partnership lists") for page in pages) == n
    assert "by half a point or more on some dimension" in pages[1]  # the summary says so


def test_the_app_renders_with_both_options(monkeypatch) -> None:
    """render_pdf (every report, partner copy, pack and paper form) lays out with the trimmed
    stylesheet while young collections are spaced out."""
    seen: list[tuple[str, int]] = []
    stock = ReportHTML._ua_stylesheets

    def spy(self: ReportHTML, forms: bool = False) -> Any:
        seen.append(("ua", gc.get_threshold()[0]))
        return stock(self, forms)

    monkeypatch.setattr(ReportHTML, "_ua_stylesheets", spy)
    render_partnership_report(build(PARTNERS, ROWS, "en"), DETAILS)
    assert seen and all(threshold == pdf.RENDER_GC_THRESHOLD for _, threshold in seen)
    assert gc.get_threshold()[0] != pdf.RENDER_GC_THRESHOLD
