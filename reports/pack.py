"""A symposium pack: the reports of the chosen partnerships in one ZIP, with an index PDF.

The ZIP is written as a stream (``pack_chunks`` yields bytes as each report is finished), so a
web response can send each report while the next is being made, and a progress callback
hears about every step. Reports are stored, not deflated: a PDF is already compressed. No
Flask here.
"""

from __future__ import annotations

import multiprocessing
import re
import unicodedata
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from typing import Any

from reports.content import ReportDetails, headline
from reports.pdf import (
    DOCUMENTS,
    cache_key,
    partnership_report_html,
    render_pdf,
    render_template,
)
from reports.pdf_cache import PdfCache
from reports.words import format_date, words
from survey.core.report import ScoreReport
from survey.core.wording import format_share

INDEX_NAME = "00-index.pdf"

# progress(done, total, name): after each report, and once more for the index.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackItem:
    """One report of the pack: a score report and its partnership's details."""

    report: ScoreReport
    details: ReportDetails


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe form of ``text``: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words_ = re.findall(r"[A-Za-z0-9]+", ascii_text.lower())
    return "-".join(words_)[:limit].strip("-") or "report"


def document_filename(context: list[str], tail: list[str], limit: int = 100) -> str:
    """``<context>-<tail>.pdf`` within ``limit`` characters before ``.pdf``: the tail (a
    partner's name, the kind of document, the language) is kept whole, and the context (the
    partnership and the round) is shortened at a word's end to make room. A name cut short
    in the middle (``riverside-district-sch``) was no use for telling copies apart."""
    end = "-".join(slug(part, limit) for part in tail if part.strip())
    room = limit - len(end) - 1
    head = slug(" ".join(context), 10 * limit)
    if len(head) > room:
        cut = head[: max(room, 0) + 1]
        head = cut.rsplit("-", 1)[0] if "-" in cut else cut[:room]
    return "-".join(part for part in (head.strip("-"), end) if part) + ".pdf"


def report_filename(details: ReportDetails, position: int | None = None) -> str:
    name = slug(f"{details.partnership} {details.round}")
    return f"{position:02d}-{name}.pdf" if position is not None else f"{name}.pdf"


class _Sink:
    """A write-only stream for ZipFile that hands back what was written since the last take."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _layout(html: str, language: str, page_size: str) -> bytes:
    # Runs in a worker process: the HTML goes in, the PDF comes out; nothing else crosses.
    return render_pdf(html, "partnership", language, page_size=page_size)


def _reports(
    items: Iterable[PackItem],
    page_size: str,
    workers: int,
    cache: PdfCache | None,
) -> Iterator[tuple[PackItem, bytes]]:
    """Each item with its PDF, in order. Layout is the slow part and uses one core: with
    ``workers`` > 1 that many reports are laid out at once in worker processes, while the HTML
    (and the scores, when ``items`` is lazy) are made here, a few reports ahead."""
    with ExitStack() as stack:
        pool: Executor | None = None
        if workers > 1:
            # spawn, not fork: the parent may hold database connections and threads.
            context = multiprocessing.get_context("spawn")
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
        pending: deque[tuple[PackItem, str | None, Future[bytes] | bytes]] = deque()
        for item in items:
            html = partnership_report_html(item.report, item.details)
            language = item.report["language"]
            key, cached = _cached(cache, language, page_size, html)
            body: Future[bytes] | bytes
            if cached is not None:
                body = cached
            elif pool is not None:
                body = pool.submit(_layout, html, language, page_size)
            else:
                body = _layout(html, language, page_size)
                if cache is not None and key is not None:
                    cache.put(key, body)
            pending.append((item, key, body))
            # Hand on every finished report at the head; keep at most `workers` in the making.
            while pending and (len(pending) > workers or not isinstance(pending[0][2], Future)):
                yield _finished(pending.popleft(), cache)
        while pending:
            yield _finished(pending.popleft(), cache)


def _cached(
    cache: PdfCache | None, language: str, page_size: str, html: str
) -> tuple[str | None, bytes | None]:
    if cache is None:
        return None, None
    key = cache_key(cache, "partnership", language, page_size, html)
    return key, cache.get(key)


def _finished(
    entry: tuple[PackItem, str | None, Future[bytes] | bytes], cache: PdfCache | None
) -> tuple[PackItem, bytes]:
    item, key, body = entry
    if isinstance(body, Future):
        body = body.result()
        if cache is not None and key is not None:
            cache.put(key, body)
    return item, body


def pack_chunks(
    items: Iterable[PackItem],
    total: int,
    *,
    page_size: str = "letter",
    language: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    cache: PdfCache | None = None,
) -> Iterator[bytes]:
    """The pack's ZIP bytes, a report at a time. ``items`` may be lazy (a generator that scores
    each round only when its turn comes); ``total`` is their number, for the progress.
    ``workers`` reports are laid out at once (in processes of their own when more than one)."""
    sink = _Sink()
    rows: list[dict[str, Any]] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[call-overload]
        reports = _reports(items, page_size, workers, cache)
        for position, (item, body) in enumerate(reports, start=1):
            filename = report_filename(item.details, position)
            archive.writestr(_entry(filename, item.details.generated_on), body)
            rows.append(_index_row(item, filename))
            if progress is not None:
                progress(position, total + 1, item.details.partnership)
            yield sink.take()
        lang = language or (rows[0]["language"] if rows else "en")
        index = render_pdf(
            render_template(f"{DOCUMENTS['symposium_index']}.html", **_index(rows, lang)),
            "symposium_index",
            lang,
            page_size=page_size,
            cache=cache,
        )
        archive.writestr(_entry(INDEX_NAME, date.today()), index)
        if progress is not None:
            progress(total + 1, total + 1, INDEX_NAME)
    yield sink.take()


def symposium_pack(
    items: Iterable[PackItem],
    *,
    page_size: str = "letter",
    language: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    cache: PdfCache | None = None,
) -> bytes:
    """The whole pack as bytes."""
    chosen = list(items)
    chunks = pack_chunks(
        chosen,
        len(chosen),
        page_size=page_size,
        language=language,
        progress=progress,
        workers=workers,
        cache=cache,
    )
    return b"".join(chunks)


def _entry(name: str, day: date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    return info


def _index_row(item: PackItem, filename: str) -> dict[str, Any]:
    report = item.report
    lang = report["language"]
    w = words(lang)
    p = report["partnership"]
    rate = format_share(p["response_rate"], lang) if p["response_rate"] is not None else "—"
    risk = headline(report, w)
    return {
        "language": lang,
        "partnership": item.details.partnership,
        "round": item.details.round,
        "dates": " – ".join(
            format_date(day, lang) for day in (item.details.opens_on, item.details.closes_on) if day
        ),
        "partners": len(report["partners"]),
        "respondents": p["respondents"],
        "rate": rate,
        # The same reading as the report's own summary: risk with its confidence.
        "risk": risk["level"],
        "risk_label": f"{risk['sentence']} {risk['note']}".strip(),
        "flags": len(report["flags"]),
        "file": filename,
    }


def _index(rows: list[dict[str, Any]], language: str) -> dict[str, Any]:
    w = words(language)
    return {
        "lang": language,
        "w": w,
        "title": w["index_title"],
        "generated": format_date(date.today(), language),
        "rows": rows,
    }
