"""The app keeps finished PDFs (PDF_CACHE_DIR): asking again is served from disk, a new answer
makes a new report, and a symposium pack laid out by worker processes streams whole PDFs."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from reports.pack import INDEX_NAME
from tests.helpers import download_pack, get_csrf
from tests.web.test_reports_web import PARTNERS, add_responses, text_of_pdf


@pytest.fixture
def app_overrides(tmp_path: Path) -> dict[str, Any]:
    return {"PDF_CACHE_DIR": str(tmp_path / "pdf-cache"), "PDF_WORKERS": 2}


@pytest.fixture
def answered(app: Any, world: Any) -> Any:
    add_responses(app, world.round.id, world.partnership.partners, dict.fromkeys(PARTNERS, 1))
    return world


def cached(app: Any) -> list[Path]:
    return sorted(Path(app.config["PDF_CACHE_DIR"]).glob("*/*.pdf"))


def test_a_report_asked_for_again_comes_from_the_cache_until_an_answer_arrives(
    app, client, login, answered
) -> None:
    login(client, answered.owner)
    url = f"/rounds/{answered.round.id}/report.pdf"
    first = client.get(url)
    assert first.status_code == 200 and len(cached(app)) == 1
    again = client.get(url)
    assert again.data == first.data and len(cached(app)) == 1

    add_responses(app, answered.round.id, answered.partnership.partners, {"Police": 1})
    fresh = client.get(url)
    assert fresh.status_code == 200 and fresh.data != first.data
    assert len(cached(app)) == 2
    counts = [re.findall(r"Respondents: (\d+)", text_of_pdf(r.data)) for r in (first, fresh)]
    assert counts[0] != counts[1], counts


def test_the_symposium_pack_with_two_workers_holds_every_report(
    app, client, login, answered, make_partnership, make_round, worker
) -> None:
    second = make_round(make_partnership(answered.owner, ("Fire",), name="Northside"))
    login(client, answered.owner)
    response = client.post(
        "/symposium-pack",
        data={
            "csrf_token": get_csrf(client, "/symposium-pack"),
            "round": [str(answered.round.id), str(second.id)],
        },
    )
    archive = zipfile.ZipFile(io.BytesIO(download_pack(client, response)))
    names = archive.namelist()
    assert len(names) == 3 and names[-1] == INDEX_NAME
    assert "Riverside Safety Table" in text_of_pdf(archive.read(names[0]))
    assert "Northside" in text_of_pdf(archive.read(names[1]))
    assert len(cached(app)) == 3
