"""A symposium pack: the reports of the chosen partnerships in one ZIP, with an index PDF.

The ZIP is written as a stream (``pack_chunks`` yields bytes as each report is finished), so a
web response can send each report while the next is being made, and a progress callback
hears about every step. Reports are stored, not deflated: a PDF is already compressed. No
Flask here.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from reports.content import ReportDetails
from reports.pdf import DOCUMENTS, render_partnership_report, render_pdf, render_template
from reports.words import format_date, words
from survey.risks import format_share

INDEX_NAME = "00-index.pdf"

# progress(done, total, name): after each report, and once more for the index.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackItem:
    """One report of the pack: a score report and its partnership's details."""

    report: dict[str, Any]
    details: ReportDetails


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe form of ``text``: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words_ = re.findall(r"[A-Za-z0-9]+", ascii_text.lower())
    return "-".join(words_)[:limit].strip("-") or "report"


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


def pack_chunks(
    items: Iterable[PackItem],
    total: int,
    *,
    page_size: str = "letter",
    language: str | None = None,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The pack's ZIP bytes, a report at a time. ``items`` may be lazy (a generator that scores
    each round only when its turn comes); ``total`` is their number, for the progress."""
    sink = _Sink()
    rows: list[dict[str, Any]] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:  # type: ignore[arg-type]
        for position, item in enumerate(items, start=1):
            filename = report_filename(item.details, position)
            body = render_partnership_report(item.report, item.details, page_size=page_size)
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
) -> bytes:
    """The whole pack as bytes (the CLI writes it to a file)."""
    chosen = list(items)
    return b"".join(
        pack_chunks(chosen, len(chosen), page_size=page_size, language=language, progress=progress)
    )


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
        "risk": report["pino_risk"],
        "risk_label": w[f"risk_{report['pino_risk']}"],
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
