"""Finished PDFs kept on disk (reports/pdf_cache.py), and packs laid out by several processes."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import reports.pdf
from reports.pack import INDEX_NAME, PackItem, symposium_pack
from reports.pdf import render_partnership_report
from reports.pdf_cache import PdfCache
from tests.reports.test_reports import DETAILS, PARTNERS, ROWS, SpyFetcher, build, pages_text


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return build(PARTNERS, ROWS, "en")


def cached_files(cache: PdfCache) -> list[Path]:
    return sorted(cache.directory.glob("*/*.pdf"))


def no_layout(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("WeasyPrint was asked to lay out a report the cache holds")


def test_the_same_report_twice_is_laid_out_once(
    report: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = PdfCache(tmp_path)
    first = render_partnership_report(report, DETAILS, cache=cache)
    assert len(cached_files(cache)) == 1

    with monkeypatch.context() as patched:
        patched.setattr(reports.pdf, "HTML", no_layout)
        again = render_partnership_report(report, DETAILS, cache=cache)
    assert again == first

    # Anything that changes the page makes a new PDF: a name, the language, the page size.
    renamed = render_partnership_report(
        report, replace(DETAILS, partnership="Lakeside Table"), cache=cache
    )
    assert "Lakeside Table" in " ".join(pages_text(renamed))
    a4 = render_partnership_report(report, DETAILS, cache=cache, page_size="a4")
    assert PdfReader(io.BytesIO(a4)).pages[0].mediabox.width < 600
    french = render_partnership_report(build(PARTNERS, ROWS, "fr"), DETAILS, cache=cache)
    assert "Confiance" in " ".join(pages_text(french))
    assert len(cached_files(cache)) == 4


def test_a_callers_own_fetcher_always_gets_a_real_layout(
    report: dict[str, Any], tmp_path: Path
) -> None:
    cache = PdfCache(tmp_path)
    render_partnership_report(report, DETAILS, cache=cache)
    spy = SpyFetcher()
    render_partnership_report(report, DETAILS, cache=cache, url_fetcher=spy)
    assert spy.asked, "the spy saw no fetch: the PDF came from the cache"


def test_the_oldest_entries_go_when_the_folder_passes_its_budget(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path, budget=250)
    for age, name in enumerate(("old", "middle", "new")):
        key = cache.key(name)
        cache.put(key, b"%PDF" + b"x" * 96)
        os.utime(cache._path(key), (1_000_000 + age, 1_000_000 + age))
    cache.put(cache.key("newest"), b"%PDF" + b"x" * 96)
    assert cache.get(cache.key("old")) is None
    assert cache.get(cache.key("middle")) is None
    assert cache.get(cache.key("new")) is not None
    assert cache.get(cache.key("newest")) is not None


def test_a_cache_that_cannot_be_written_costs_speed_not_the_report(
    report: dict[str, Any], tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    cache = PdfCache(blocked)
    body = render_partnership_report(report, DETAILS, cache=cache)
    assert body.startswith(b"%PDF") and len(PdfReader(io.BytesIO(body)).pages) == 10


def test_keys_do_not_collide_when_parts_are_split_differently() -> None:
    cache = PdfCache("unused")
    assert cache.key("ab", "c") != cache.key("a", "bc")


def test_a_pack_laid_out_by_two_processes_matches_one_laid_out_alone(
    report: dict[str, Any], tmp_path: Path
) -> None:
    items = [
        PackItem(report, replace(DETAILS, partnership=name))
        for name in ("Riverside Table", "Northside Table", "Lakeside Table")
    ]
    steps: list[int] = []
    alone = zipfile.ZipFile(io.BytesIO(symposium_pack(items, workers=1)))
    cache = PdfCache(tmp_path)
    together = zipfile.ZipFile(
        io.BytesIO(
            symposium_pack(items, workers=2, cache=cache, progress=lambda d, t, n: steps.append(d))
        )
    )
    assert together.namelist() == alone.namelist()
    assert together.namelist()[-1] == INDEX_NAME
    for name in alone.namelist():
        assert pages_text(together.read(name)) == pages_text(alone.read(name)), name
    assert steps == [1, 2, 3, 4]
    # The workers' PDFs were kept: the same pack again is read back, not laid out.
    assert len(cached_files(cache)) == 4  # three reports and the index
    again = zipfile.ZipFile(io.BytesIO(symposium_pack(items, workers=2, cache=cache)))
    for name in alone.namelist():
        assert again.read(name) == together.read(name), name
