"""Every headline reads the risk with its confidence: thin data says "too early to judge" on
the dashboard, the round page, the partnership page and the PDF, never "strong signs"."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Partnership
from tests.helpers import complete_response, text_of

SIX = [
    {"name": name, "invited": 3}
    for name in ("Police", "Health", "Housing", "Schools", "Youth", "Faith")
]
TOO_EARLY = "Too early to judge: 2 responses from 2 of 6 partners."


def _min_group(app, partnership_id: int, size: int) -> None:
    with app.app_context():
        db.session.get(Partnership, partnership_id).min_group_size = size
        db.session.commit()


def test_two_responses_from_two_of_six_partners_is_too_early_everywhere(
    app, client, login, make_facilitator, make_partnership, make_round, new_client
):
    owner = make_facilitator(email="owner@example.org")
    partnership = make_partnership(owner, partners=SIX)
    _min_group(app, partnership.id, 1)  # so that the two answers are read at all
    round_ = make_round(partnership)
    # The lead answers at the top, another partner at the bottom: the rules see a wide gap.
    complete_response(new_client(), round_.token("Police"), choice=5)
    complete_response(new_client(), round_.token("Health"), choice=1)
    login(client, owner)

    report = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    assert report["verdict_confidence"] == "insufficient"
    assert report["pino_risk"] in {"medium", "high"}  # the risk keeps its meaning

    for url in (
        f"/rounds/{round_.id}/dashboard",
        f"/rounds/{round_.id}",
        f"/partnerships/{partnership.id}",
    ):
        page = text_of(client.get(url))
        assert "Strong signs" not in page and "Some signs" not in page, url
        assert "Too early to judge" in page, url
    assert TOO_EARLY in text_of(client.get(f"/rounds/{round_.id}/dashboard"))

    pdf = client.get(f"/rounds/{round_.id}/report.pdf?lang=en")
    assert pdf.status_code == 200
    pages = [
        re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.data)).pages
    ]
    assert TOO_EARLY in pages[1]
    assert not any("Strong signs" in p for p in pages)


def test_indicative_reading_says_so_beside_the_risk(
    app, client, login, make_facilitator, make_partnership, make_round, new_client
):
    owner = make_facilitator(email="owner@example.org")
    partners = [{"name": n, "invited": 2} for n in ("Police", "Health", "Housing")]
    partnership = make_partnership(owner, partners=partners)
    _min_group(app, partnership.id, 1)
    round_ = make_round(partnership)
    for name in ("Police", "Health", "Housing"):
        complete_response(new_client(), round_.token(name), choice=4)
    login(client, owner)
    page = text_of(client.get(f"/rounds/{round_.id}/dashboard"))
    assert "Indicative only (3 responses from 3 of 3 partners)" in page


def test_a_draft_round_shows_no_flag_and_no_silent_partner(
    app, client, login, make_facilitator, make_partnership, make_round
):
    owner = make_facilitator(email="owner@example.org")
    partnership = make_partnership(owner, partners=SIX)
    round_ = make_round(partnership, status="draft")
    login(client, owner)
    page = text_of(client.get(f"/rounds/{round_.id}/dashboard"))
    assert "Silent partner" not in page and "has not responded" not in page
    assert 'class="finding' not in page
    report = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    assert report["flags"] == [] and report["findings"] == []
    with app.app_context():
        assert db.session.scalar(select(Partnership.id).where(Partnership.id == partnership.id))


def test_no_silent_partner_before_the_round_opens(
    app, client, login, make_facilitator, make_partnership, make_round
):
    from datetime import date, timedelta

    owner = make_facilitator(email="owner@example.org")
    partnership = make_partnership(owner, partners=SIX)
    later = make_round(partnership, status="open", opens_on=date.today() + timedelta(days=3))
    now = make_round(partnership, status="open", name="Now")
    login(client, owner)
    report = client.get(f"/api/rounds/{later.id}/scores").get_json()
    assert report["flags"] == []
    opened = client.get(f"/api/rounds/{now.id}/scores").get_json()
    assert {f["rule"] for f in opened["flags"]} == {"silent-partner"}
