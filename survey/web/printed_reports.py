"""A round in the database -> its printed report: what the web views and ``survey report`` share.

The renderer (``reports/``) takes plain data only; this module is where a Round becomes that
plain data: the score report (``round_report``, small partners pooled) and ReportDetails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from flask import current_app

from reports.content import ReportDetails
from reports.pack import PackItem, document_filename
from reports.pdf import render_partnership_report
from reports.pdf_cache import PdfCache
from survey.store.database import db
from survey.store.models import Round
from survey.store.round_scores import round_report

PDF_MIMETYPE = "application/pdf"
ZIP_MIMETYPE = "application/zip"


def pdf_cache() -> PdfCache | None:
    """The app's cache of finished PDFs (None when PDF_CACHE_DIR is empty)."""
    directory = current_app.config.get("PDF_CACHE_DIR")
    if not directory:
        return None
    return PdfCache(directory, current_app.config["PDF_CACHE_BYTES"])


def pdf_workers() -> int:
    """How many reports of a pack are laid out at once."""
    return max(1, int(current_app.config.get("PDF_WORKERS") or 1))


def round_details(round_: Round) -> ReportDetails:
    """The partnership's details that a report prints beside the scores."""
    partnership = round_.partnership
    return ReportDetails(
        partnership=partnership.name,
        round=round_.name,
        opens_on=round_.opens_on,
        closes_on=round_.closes_on,
        min_group_size=partnership.min_group_size,
        author=partnership.owner.name,
    )


def round_pdf(
    round_: Round,
    language: str | None = None,
    *,
    partner: str | None = None,
    page_size: str = "letter",
) -> bytes:
    """The round's partnership report, or ``partner``'s copy (raises UnknownPartner when that
    partner is not shown on its own: misspelt, or pooled with other small partners)."""
    report = round_report(round_, language)
    return render_partnership_report(
        report, round_details(round_), partner=partner, page_size=page_size, cache=pdf_cache()
    )


def pdf_filename(round_: Round, language: str, partner: str | None = None) -> str:
    """``<partnership>-<round>[-<partner>]-<language>.pdf``: the English and French reports
    are two files, and a partner's name is never cut off (the partnership's is shortened)."""
    return document_filename([round_.partnership.name, round_.name], [partner or "", language])


def pack_items(round_ids: Iterable[int], language: str | None = None) -> Iterator[PackItem]:
    """One PackItem per round, each loaded and scored only when the pack reaches it (the
    callers have checked the ids: the facilitator's own, all present)."""
    for round_id in round_ids:
        round_ = db.session.get(Round, round_id)
        if round_ is None:  # deleted while the pack was being made
            continue
        yield PackItem(round_report(round_, language), round_details(round_))
