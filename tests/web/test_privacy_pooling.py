"""With a minimum group size of 3, what the dashboard, the exports, the API and the PDF show
together never lets a small partner's mean be worked out."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.helpers import text_of
from tests.web.test_exports import add_response, full_answers, low_answers, read_csv, urls


def test_no_small_partners_mean_can_be_derived_from_all_outputs_together(
    app, client, make_facilitator, make_partnership, make_round, login
):
    owner = make_facilitator()
    partnership = make_partnership(owner, ["Police", "Housing", "Schools", "Youth"])
    from tests.web.test_exports import set_min_group_size

    set_min_group_size(app, partnership.id, 3)
    round_ = make_round(partnership)
    ids = partnership.partners
    for _ in range(4):
        add_response(app, round_.id, ids["Police"], full_answers(4))
    for _ in range(2):  # Housing's own mean is 1.00 on every dimension
        add_response(app, round_.id, ids["Housing"], low_answers())
    add_response(app, round_.id, ids["Schools"], full_answers(5))
    login(client, owner)

    api = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    shown = {p["partner"]: p for p in api["partners"]}
    assert set(shown) == {"Police", "Youth", "Other partners"}
    assert shown["Other partners"]["respondents"] == 3  # Housing 2 + Schools 1: 2 organisations
    for row in api["partners"]:
        if any(s is not None for s in row["scores"].values()):
            assert row["respondents"] >= 3
    numbers = [s for row in api["partners"] for s in row["scores"].values() if s is not None]
    numbers += [s for s in api["partnership"]["scores"].values() if s is not None]
    assert all(abs(s - 1.0) > 1e-6 for s in numbers)  # Housing's 1.00 is nowhere
    # The partnership mean is the mean of the rows shown: it adds nothing to solve with.
    for dim, value in api["partnership"]["scores"].items():
        rows = [r["scores"][dim] for r in api["partners"] if r["scores"][dim] is not None]
        assert abs(value - sum(rows) / len(rows)) < 1e-9

    texts = {
        "api": str(api),
        "scores.csv": "\n".join(
            ",".join(r) for r in read_csv(client.get(urls(round_.id)["scores.csv"]).data)
        ),
    }
    dashboard = text_of(client.get(f"/rounds/{round_.id}/dashboard"))
    # Housing and Schools are named only in the list of partner copies and in the response
    # counts (names and counts, never scores): the results in between never name them.
    results = dashboard.split('aria-labelledby="headline"')[1].split('id="progress-title"')[0]
    downloads = (
        r'<nav class="downloads".*?</nav>\s*(<details class="partner-copies">.*?</details>)?'
    )
    texts["dashboard results"] = re.sub(downloads, "", results, flags=re.S)
    pdf = client.get(f"/rounds/{round_.id}/report.pdf?lang=en")
    texts["pdf"] = " ".join(
        re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    for where, text in texts.items():
        assert "Housing" not in text and "Schools" not in text, where
    # A copy of its own would single the pooled partner out.
    assert (
        client.get(f"/rounds/{round_.id}/partners/{ids['Housing']}/report.pdf").status_code == 409
    )


def test_new_partnerships_default_to_three_and_lowering_warns(app, client, make_facilitator, login):
    from tests.helpers import post_form

    owner = make_facilitator()
    login(client, owner)
    page = text_of(client.get("/partnerships/new"))
    assert re.search(r'name="min_group_size"[^>]*value="3"', page)
    response = post_form(
        client, "/partnerships/new", {"name": "Two Towns", "description": "", "min_group_size": "1"}
    )
    assert response.status_code == 302
    follow = text_of(client.get(response.headers["Location"]))
    assert "never per person; 3 or more keeps that promise" in follow
