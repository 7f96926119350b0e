"""Score report + the partnership's details -> PDF bytes, through WeasyPrint.

A document is a folder under ``reports/`` with its template and its CSS; ``shared.css`` holds
the fonts and what every page has in common. WeasyPrint fetches only through
``LocalFetcher``: files inside this package (the fonts) and ``data:`` URLs, nothing else, so
text typed by people (``<img src="http://...">``) can neither fetch nor leak anything; and the
templates escape it in any case. The output is tagged PDF/UA-1 with title, language and author.

Parsed stylesheets and loaded fonts are kept per thread (a FontConfiguration is not meant to
be shared between threads): the second report costs only its own layout. No Flask here.
"""

from __future__ import annotations

import gc
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import weasyprint.css
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.content import ReportDetails, report_content
from reports.pdf_cache import PdfCache, fingerprint
from reports.words import words
from survey.core.report import ScoreReport

REPORTS_DIR = Path(__file__).resolve().parent
BASE_URL = REPORTS_DIR.as_uri() + "/"
PAGE_SIZES = {"letter": "letter", "a4": "A4"}
# Each document is a folder: its template and its stylesheet share a name.
DOCUMENTS = {
    "partnership": "partnership/report",
    "symposium_index": "symposium_index/index",
    "paper_form": "paper_form/form",  # reports/paper.py
}
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A document asked for something outside the package: never fetched."""


class LocalFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """WeasyPrint's URL fetcher, restricted to files under ``root`` and ``data:`` URLs."""

    def __init__(self, root: Path = REPORTS_DIR) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":  # decoded in memory by urllib's DataHandler: no I/O at all
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, _read(path), {"Content-Type": kind})
        raise RefusedURL(f"refused to fetch {url!r}: reports only use files of their own")


# -- rendering options: what the layout itself costs (docs/decisions/0020-lighter-pdf-layout.md)

# WeasyPrint's own user-agent stylesheet gives ``::marker`` to every element and
# ``::footnote-*``/``::note-*`` to every element too: each such rule makes a computed style
# per element (21,101 computed styles for the 20-partner report instead of 3,274). Markers
# only show on list items (``li``, ``summary``) and no report uses footnotes or notes, so the
# trimmed copy scopes the first and leaves out the others. The PDF pages are the same.
_UA_TEXT = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
_UA_MARKER = "::marker {"
_UA_UNUSED = (
    "::footnote-call",
    "::footnote-marker",
    "::note-call",
    "::note-marker",
    "::note-callback",
)


def trimmed_ua_stylesheet(text: str = _UA_TEXT) -> str | None:
    """The user-agent stylesheet without its per-element pseudo-element rules; None when this
    WeasyPrint's stylesheet does not hold them as expected (then the stock one is used)."""
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if line.startswith(_UA_MARKER)]
    unused = [i for i, line in enumerate(lines) if line.startswith(_UA_UNUSED)]
    if len(markers) != 1 or len(unused) != len(_UA_UNUSED):
        return None
    lines[markers[0]] = "li::marker, summary::marker {" + lines[markers[0]][len(_UA_MARKER) :]
    return "\n".join(line for i, line in enumerate(lines) if i not in unused)


_UA_COUNTERS = CounterStyle()
_TRIMMED = trimmed_ua_stylesheet()
_UA_SHEET = None if _TRIMMED is None else CSS(string=_TRIMMED, counter_style=_UA_COUNTERS)


class ReportHTML(HTML):  # type: ignore[misc]  # WeasyPrint ships no types
    """WeasyPrint's HTML with the trimmed user-agent stylesheet (forms keep the stock one)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if _UA_SHEET is None or forms:
            return super()._ua_stylesheets(forms)  # type: ignore[no-any-return]
        return [_UA_SHEET]

    def _ua_counter_style(self) -> list[CounterStyle]:
        if _UA_SHEET is None:
            return super()._ua_counter_style()  # type: ignore[no-any-return]
        return [_UA_COUNTERS.copy()]


# A layout makes some 230,000 objects, most of which live until it ends; with the default
# threshold (700 allocations) Python runs hundreds of young collections over them, 16-28 % of
# a render, and finds little to free. While any thread renders, a young collection waits for
# 100,000 allocations instead; the last render to finish puts the threshold back. (Turning the
# collector off and collecting after the render measured slower: the layout's cycles pile up.)
RENDER_GC_THRESHOLD = 100_000
_gc_lock = threading.Lock()
_gc_renders = 0
_gc_threshold = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    global _gc_renders, _gc_threshold
    with _gc_lock:
        if _gc_renders == 0:
            _gc_threshold = gc.get_threshold()
            gc.set_threshold(max(RENDER_GC_THRESHOLD, _gc_threshold[0]), *_gc_threshold[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_threshold)


def write_pdf(html: HTML, stylesheets: list[CSS], fonts: FontConfiguration) -> bytes:
    """``html`` laid out as tagged PDF/UA with the report options: the only ``write_pdf``."""
    with fewer_collections():
        return html.write_pdf(  # type: ignore[no-any-return]
            stylesheets=stylesheets, font_config=fonts, pdf_variant=PDF_VARIANT
        )


_FILES: dict[Path, bytes] = {}


def _read(path: Path) -> bytes:
    if path not in _FILES:
        _FILES[path] = path.read_bytes()
    return _FILES[path]


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(REPORTS_DIR),
    autoescape=True,  # every name, title and answer in a report was typed by someone
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def render_template(name: str, **context: Any) -> str:
    return _TEMPLATES.get_template(name).render(**context)


@dataclass
class _Styles:
    """A font configuration and the stylesheets parsed against it, for one thread."""

    fetcher: URLFetcher
    fonts: FontConfiguration = field(default_factory=FontConfiguration)
    sheets: dict[tuple[str, str, str], list[CSS]] = field(default_factory=dict)

    def for_document(self, document: str, page_size: str, language: str) -> list[CSS]:
        key = (document, page_size, language)
        if key not in self.sheets:
            w = words(language)
            # The page size and the words of the page counter: the only per-call part.
            page = (
                f"@page {{ size: {PAGE_SIZES[page_size]}; }}\n"
                f'@page {{ @bottom-right {{ content: "{w["page"]} " counter(page) '
                f'" {w["of"]} " counter(pages); }} }}\n'
            )
            self.sheets[key] = [
                CSS(
                    filename=str(REPORTS_DIR / "shared.css"),
                    url_fetcher=self.fetcher,
                    font_config=self.fonts,
                ),
                CSS(
                    filename=str(REPORTS_DIR / f"{DOCUMENTS[document]}.css"),
                    url_fetcher=self.fetcher,
                    font_config=self.fonts,
                ),
                CSS(
                    string=page, base_url=BASE_URL, url_fetcher=self.fetcher, font_config=self.fonts
                ),
            ]
        return self.sheets[key]


_local = threading.local()


def _styles(fetcher: URLFetcher | None) -> _Styles:
    if fetcher is not None:  # a caller's own fetcher (tests spy on it): nothing cached
        return _Styles(fetcher)
    styles = getattr(_local, "styles", None)
    if styles is None:
        styles = _local.styles = _Styles(LocalFetcher())
    return styles


def document_styles(
    document: str, page_size: str = "letter", language: str = "en"
) -> tuple[URLFetcher, FontConfiguration, list[CSS]]:
    """The fetcher, fonts and parsed stylesheets this thread renders ``document`` with (the
    benchmark hands the same ones to WeasyPrint directly, as its floor)."""
    _check_size(page_size)
    styles = _styles(None)
    return styles.fetcher, styles.fonts, styles.for_document(document, page_size, language)


def _check_size(page_size: str) -> None:
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page size {page_size!r}: choose one of {', '.join(PAGE_SIZES)}")


def render_pdf(
    html: str,
    document: str,
    language: str,
    *,
    page_size: str = "letter",
    url_fetcher: URLFetcher | None = None,
    cache: PdfCache | None = None,
) -> bytes:
    """Any HTML string laid out with a document's stylesheets: the one call into WeasyPrint.

    With ``cache``, a PDF made before from the same HTML, stylesheets, fonts and WeasyPrint
    is handed back without layout (a caller's own ``url_fetcher`` bypasses the cache: it wants
    to see what WeasyPrint fetches)."""
    _check_size(page_size)
    styles = _styles(url_fetcher)

    def layout() -> bytes:
        return write_pdf(
            ReportHTML(string=html, base_url=BASE_URL, url_fetcher=styles.fetcher),
            styles.for_document(document, page_size, language),
            styles.fonts,
        )

    if cache is None or url_fetcher is not None:
        return layout()
    return cache.get_or_render(cache_key(cache, document, language, page_size, html), layout)


def cache_key(cache: PdfCache, document: str, language: str, page_size: str, html: str) -> str:
    """The key under which ``cache`` keeps the PDF that ``render_pdf`` makes of these."""
    return cache.key(_fingerprint(document), PDF_VARIANT, document, language, page_size, html)


_FINGERPRINTS: dict[str, str] = {}


def _fingerprint(document: str) -> str:
    """What decides a document's PDF besides its HTML: its stylesheets and the fonts."""
    if document not in _FINGERPRINTS:
        files = [REPORTS_DIR / "shared.css", REPORTS_DIR / f"{DOCUMENTS[document]}.css"]
        files += sorted((REPORTS_DIR / "fonts").glob("*.ttf"))
        _FINGERPRINTS[document] = fingerprint(files)
    return _FINGERPRINTS[document]


def partnership_report_html(
    report: ScoreReport, details: ReportDetails, *, partner: str | None = None
) -> str:
    """The report's HTML, before layout (what ``render_partnership_report`` hands WeasyPrint)."""
    content = report_content(report, details, partner)
    return render_template(f"{DOCUMENTS['partnership']}.html", **content)


def render_partnership_report(
    report: ScoreReport,
    details: ReportDetails,
    *,
    partner: str | None = None,
    page_size: str = "letter",
    url_fetcher: URLFetcher | None = None,
    cache: PdfCache | None = None,
) -> bytes:
    """The partnership's report as PDF bytes; with ``partner``, that partner's own copy.

    Raises ``reports.content.UnknownPartner`` when ``partner`` is not in the score report
    (pooled into "other partners", or misspelt) and ValueError for an unknown page size.
    """
    _check_size(page_size)
    html = partnership_report_html(report, details, partner=partner)
    return render_pdf(
        html,
        "partnership",
        report["language"],
        page_size=page_size,
        url_fetcher=url_fetcher,
        cache=cache,
    )
