"""The round dashboard, live progress, comparisons over time, and Plotly served locally."""

from __future__ import annotations

import json
import re

import plotly
import pytest

from tests.helpers import complete_response, start_response, text_of


def figures(page: str) -> dict[str, dict]:
    """The figure JSON blocks embedded in a dashboard page, by name."""
    found = re.findall(
        r'<script type="application/json" id="figure-([a-z]+)">(.*?)</script>', page, re.S
    )
    return {name: json.loads(body) for name, body in found}


def test_empty_round_renders_with_no_charts_but_progress(client, login, world):
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/dashboard")
    assert response.status_code == 200
    page = text_of(response)
    assert "Charts appear here as soon as the first response is submitted." in page
    # With no answers there is nothing to judge: never an all-clear.
    assert "No submitted responses yet" in page
    assert "No signs of a partnership in name only" not in page
    assert set(figures(response.get_data(as_text=True))) >= {"progress"}


def test_dashboard_shows_scores_flags_and_figures(app, client, login, world, new_client):
    # Police (lead) answers 5s, Public Health 2s; Housing is invited but silent.
    from survey.store.database import db
    from survey.store.models import Partner

    with app.app_context():
        housing = db.session.get(Partner, world.partnership.partners["Housing"])
        housing.invited = 2
        db.session.commit()
    complete_response(new_client(), world.round.invitations["Police"].token, choice=5)
    complete_response(new_client(), world.round.invitations["Public Health"].token, choice=2)

    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/dashboard")
    assert response.status_code == 200
    page = text_of(response)
    assert "Silent partner" in page
    assert "No one from Housing has responded yet (2 invited)." in page
    assert "Perception gap" in page

    found = figures(response.get_data(as_text=True))
    assert set(found) == {"radar", "heatmap", "spread", "na", "items", "progress"}
    radar_names = [trace["name"] for trace in found["radar"]["data"]]
    assert radar_names[2:] == ["Partnership", "Police", "Public Health"]
    heat = found["heatmap"]["data"][0]
    assert heat["y"] == ["Police", "Public Health", "Housing"]
    assert heat["text"][2][0] == "—<br>n=0"
    progress = found["progress"]["data"]
    assert progress[0]["x"] == [1, 1, 0]  # submitted per partner
    assert progress[2]["x"][2] == 2  # Housing: two invited, none started


def test_dashboard_for_a_single_partner(
    make_facilitator, make_partnership, make_round, client, login, new_client
):
    owner = make_facilitator()
    partnership = make_partnership(owner, partners=["Solo Agency"])
    round_ = make_round(partnership)
    complete_response(new_client(), round_.invitations["Solo Agency"].token, choice=4)
    login(client, owner)
    response = client.get(f"/rounds/{round_.id}/dashboard")
    assert response.status_code == 200
    found = figures(response.get_data(as_text=True))
    assert [t["name"] for t in found["radar"]["data"]][2:] == ["Partnership", "Solo Agency"]


def test_dashboard_in_french_uses_the_instrument_french_titles(client, login, world, new_client):
    complete_response(new_client(), world.round.invitations["Police"].token, choice=4)
    login(client, world.owner)
    # Results follow the interface language: one language per page, no separate switch.
    english = text_of(client.get(f"/rounds/{world.round.id}/dashboard"))
    assert "Trust" in english and "Results in French" not in english
    client.get("/language/fr")
    page = text_of(client.get(f"/rounds/{world.round.id}/dashboard"))
    assert "Confiance" in page
    assert "Tableau de bord" in page and "Résultats en" not in page


def test_item_chart_follows_the_chosen_dimension(client, login, world, new_client):
    complete_response(new_client(), world.round.invitations["Police"].token, choice=4)
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/dashboard?dimension=power_balance")
    items = figures(response.get_data(as_text=True))["items"]["data"]
    assert sum(sum(trace["x"]) for trace in items) > 0
    page = response.get_data(as_text=True)
    assert '<option value="power_balance" selected>' in page
    # An unknown dimension falls back to the first, not an error.
    assert client.get(f"/rounds/{world.round.id}/dashboard?dimension=nope").status_code == 200


def test_progress_json_counts_started_and_submitted(client, login, world, new_client):
    start_response(new_client(), world.round.invitations["Housing"].token)
    complete_response(new_client(), world.round.invitations["Police"].token)
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/progress.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    rows = {row["partner"]: row for row in data["partners"]}
    assert (rows["Police"]["started"], rows["Police"]["submitted"]) == (1, 1)
    assert (rows["Housing"]["started"], rows["Housing"]["submitted"]) == (1, 0)
    assert data["totals"]["started"] == 2 and data["totals"]["submitted"] == 1


def test_minimum_group_size_pools_small_partners(app, client, login, world, new_client):
    from survey.store.database import db
    from survey.store.models import Partnership

    with app.app_context():
        db.session.get(Partnership, world.partnership.id).min_group_size = 2
        db.session.commit()
    for _ in range(2):
        complete_response(new_client(), world.round.invitations["Police"].token, choice=5)
    complete_response(new_client(), world.round.invitations["Housing"].token, choice=2)
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/dashboard")
    page = response.get_data(as_text=True)
    names = figures(page)["heatmap"]["data"][0]["y"]
    assert "Other partners" in names and "Housing" not in names
    # Housing may still be named where it has no answers to protect: the progress table.
    scores_json = client.get(f"/api/rounds/{world.round.id}/scores").get_json()
    assert "Housing" not in [p["partner"] for p in scores_json["partners"]]


def test_partnership_page_lists_rounds_with_risk_and_rate(
    client, login, world, new_client, make_round
):
    complete_response(new_client(), world.round.invitations["Police"].token, choice=5)
    login(client, world.owner)
    page = text_of(client.get(f"/partnerships/{world.partnership.id}"))
    assert "Spring check-in" in page
    assert "Overall risk" in page


def test_compare_two_rounds_of_the_same_instrument(client, login, world, new_client, make_round):
    complete_response(new_client(), world.round.invitations["Police"].token, choice=2)
    later = make_round(world.partnership, name="Autumn check-in")
    complete_response(new_client(), later.invitations["Police"].token, choice=4)
    login(client, world.owner)
    response = client.get(
        f"/partnerships/{world.partnership.id}/compare?a={world.round.id}&b={later.id}"
    )
    assert response.status_code == 200
    found = figures(response.get_data(as_text=True))
    assert set(found) == {"slope", "trend"}
    first = found["slope"]["data"][0]
    assert first["x"] == ["Spring check-in", "Autumn check-in"]
    before, after = first["y"]
    assert after > before


def test_compare_refuses_rounds_of_different_instruments(app, client, login, world, make_round):
    from survey.store.database import db
    from survey.store.models import Round

    other = make_round(world.partnership, name="Other instrument round")
    with app.app_context():
        # As if made from another file: rounds compare only within one instrument id.
        db.session.get(Round, other.id).instrument_id = "other-instrument"
        db.session.commit()
    login(client, world.owner)
    page = text_of(
        client.get(f"/partnerships/{world.partnership.id}/compare?a={world.round.id}&b={other.id}")
    )
    assert "cannot be compared" in page


def test_plotly_is_served_by_the_app_with_long_cache(client, world, login):
    response = client.get(f"/assets/plotly-{plotly.__version__}.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert b"plotly" in response.data[:2000].lower()
    assert client.get("/assets/plotly-0.0.0.min.js").status_code == 404


def test_dashboard_loads_plotly_from_the_app_and_respondent_pages_never_do(
    client, login, world, new_client
):
    respondent = new_client()
    resume = start_response(respondent, world.round.invitations["Police"].token)
    for url in (f"/r/{world.round.invitations['Police'].token}", f"/s/{resume}/1"):
        page = respondent.get(url).get_data(as_text=True)
        assert "plotly" not in page.lower()
    login(client, world.owner)
    page = client.get(f"/rounds/{world.round.id}/dashboard").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert f"/assets/plotly-{plotly.__version__}.min.js" in scripts
    assert all(src.startswith("/") for src in scripts)  # nothing from elsewhere


def test_dashboard_csp_allows_no_inline_script(client, login, world):
    login(client, world.owner)
    response = client.get(f"/rounds/{world.round.id}/dashboard")
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script_src.strip() == "script-src 'self'"
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    "url",
    [
        "/rounds/{round}/dashboard",
        "/rounds/{round}/progress.json",
        "/partnerships/{partnership}/compare",
    ],
)
def test_another_facilitator_gets_404(client, login, world, url):
    login(client, world.other)
    target = url.format(round=world.round.id, partnership=world.partnership.id)
    assert client.get(target).status_code == 404


def test_hostile_partner_name_is_escaped_on_the_dashboard(
    make_facilitator, make_partnership, make_round, client, login, new_client
):
    owner = make_facilitator()
    hostile = '<script>alert("x")</script>'
    partnership = make_partnership(owner, partners=[hostile, "Health"])
    round_ = make_round(partnership)
    complete_response(new_client(), round_.invitations[hostile].token, choice=4)
    login(client, owner)
    page = client.get(f"/rounds/{round_.id}/dashboard").get_data(as_text=True)
    assert hostile not in page
    assert "&lt;script&gt;" in page or "\\u003cscript\\u003e" in page
