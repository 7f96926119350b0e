"""The roster pages (survey/web/views/roster.py): a partner's representatives, added by a
typed or pasted list or a CSV file, all or nothing; the round's "E-mail the invitations"."""

from __future__ import annotations

import io

from survey.store.database import db
from survey.store.outbox import OutboundMessage
from survey.store.roster import Representative, reach
from tests.helpers import get_csrf, post_form, text_of


def _people(app, partner_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (r.name, r.email, r.language)
            for r in db.session.scalars(
                db.select(Representative)
                .where(Representative.partner_id == partner_id)
                .order_by(Representative.email)
            )
        ]


def test_a_pasted_list_is_added_and_duplicates_are_skipped(app, client, login, world) -> None:
    police = world.partnership.partners["Police"]
    url = f"/partners/{police}/representatives"
    login(client, world.owner)
    added = post_form(client, url, {"people": "Ana Ruiz, ana@example.org, fr\nkim@example.org"})
    assert added.status_code == 302
    assert "2 people added." in text_of(client.get(url))
    again = post_form(client, url, {"people": "kim@example.org\nLuc, luc@example.org"})
    assert again.status_code == 302
    assert "1 person added. 1 already on the list." in text_of(client.get(url))
    assert _people(app, police) == [
        ("Ana Ruiz", "ana@example.org", "fr"),
        ("", "kim@example.org", "en"),
        ("Luc", "luc@example.org", "en"),
    ]


def test_a_list_with_any_problem_adds_nobody_and_says_where(app, client, login, world) -> None:
    police = world.partnership.partners["Police"]
    url = f"/partners/{police}/representatives"
    login(client, world.owner)
    refused = post_form(client, url, {"people": "ok@example.org\nBob, bob@\nZoe, z@x.org, de"})
    assert refused.status_code == 422
    page = text_of(refused)
    assert "Nobody was added" in page
    assert "the list:2:2: 'bob@' is not an e-mail address" in page
    assert "the list:3:3: language 'de' — use en or fr" in page
    assert _people(app, police) == []


def test_a_csv_file_is_read_the_same_way(app, client, login, world) -> None:
    police = world.partnership.partners["Police"]
    url = f"/partners/{police}/representatives"
    login(client, world.owner)
    upload = (io.BytesIO("name,email,language\nÉlise,elise@example.org,fr\n".encode()), "r.csv")
    response = client.post(
        url,
        data={"csrf_token": get_csrf(client, url), "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _people(app, police) == [("Élise", "elise@example.org", "fr")]


def test_removing_a_representative_and_others_get_404(
    app, client, login, world, make_representative, new_client
) -> None:
    police = world.partnership.partners["Police"]
    person = make_representative(police, "ana@example.org")
    url = f"/partners/{police}/representatives"
    other = login(new_client(), world.other)
    assert other.get(url).status_code == 404
    login(client, world.owner)
    removed = post_form(client, f"{url}/remove", {"person": str(person.id)}, form_url=url)
    assert removed.status_code == 302 and _people(app, police) == []
    gone = post_form(client, f"{url}/remove", {"person": str(person.id)}, form_url=url)
    assert gone.status_code == 404


def test_the_round_page_button_queues_one_invitation_each(
    app, client, login, world, make_representative
) -> None:
    partners = world.partnership.partners
    make_representative(partners["Police"], "ana@example.org")
    make_representative(partners["Housing"], "kim@example.org", language="fr")
    login(client, world.owner)
    round_url = f"/rounds/{world.round.id}"
    for _ in range(2):  # pressed twice: nobody gets two
        assert post_form(client, f"{round_url}/invite", {}, form_url=round_url).status_code == 302
    with app.app_context():
        keys = db.session.scalars(db.select(OutboundMessage.key)).all()
        assert len(keys) == 2
        counts = {r.partner: r for r in reach(world.round.id)}
    assert counts["Police"].invited == 1 and counts["Housing"].invited == 1


def test_the_round_page_counts_invitations_per_partner(
    app, client, login, world, make_representative
) -> None:
    import re

    make_representative(world.partnership.partners["Police"], "ana@example.org")
    login(client, world.owner)
    round_url = f"/rounds/{world.round.id}"
    before = client.get(round_url).get_data(as_text=True)
    assert "Personal invitations by e-mail" in before
    assert "E-mail the invitations not yet sent" in before
    post_form(client, f"{round_url}/invite", {}, form_url=round_url)
    page = client.get(round_url).get_data(as_text=True)
    police = re.search(r"Police</a></th>((?:\s*<td[^>]*>\d+</td>){5})", page)
    assert police, page
    # representatives, invited, opened, submitted, bounced
    assert re.findall(r">(\d+)<", police.group(1)) == ["1", "1", "0", "0", "0"]
