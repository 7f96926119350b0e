"""Facilitator accounts for administrators (docs/decisions/0011): create with a temporary
password shown once, new temporary password, deactivate and reactivate; 404 for others."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.store.database import db
from survey.store.models import Facilitator
from tests.helpers import csrf_from, get_csrf, path_of, post_form, text_of

PASSWORD_RE = re.compile(r'<code class="temporary-password">([^<]+)</code>')


@pytest.fixture
def admin(app, make_facilitator):
    rec = make_facilitator(email="admin@example.org", name="Ada Admin")
    with app.app_context():
        db.session.get(Facilitator, rec.id).is_admin = True
        db.session.commit()
    return rec


@pytest.fixture
def admin_client(app, admin, login):
    return login(app.test_client(), admin)


def can_sign_in(app, email: str, password: str) -> bool:
    client = app.test_client()
    return post_form(client, "/login", {"email": email, "password": password}).status_code == 302


def account(app, email: str) -> Facilitator | None:
    with app.app_context():
        found = db.session.scalar(select(Facilitator).where(Facilitator.email == email))
        if found is not None:
            db.session.expunge(found)
        return found


def test_admin_creates_an_account_with_a_temporary_password_shown_once(app, admin_client):
    response = post_form(
        admin_client,
        "/admin/facilitators",
        {"email": "  New.Person@Example.org ", "name": "New Person"},
        follow_redirects=True,  # the password is shown after a redirect (issue 15, item 13)
    )
    assert [r.status_code for r in response.history] == [302]
    assert response.request.method == "GET"
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = PASSWORD_RE.search(response.get_data(as_text=True)).group(1)
    assert len(password) >= 16
    created = account(app, "new.person@example.org")
    assert created is not None and created.active and not created.is_admin
    assert created.name == "New Person"
    assert can_sign_in(app, "new.person@example.org", password)
    # Shown once: not in the list page, not kept in the session cookie for a later page.
    again = admin_client.get("/admin/facilitators").get_data(as_text=True)
    assert password not in again and "new.person@example.org" in again
    cookie = admin_client.get_cookie("session")
    assert password not in (cookie.value if cookie else "")


def test_an_admin_can_make_another_admin(app, admin_client):
    post_form(admin_client, "/admin/facilitators", {"email": "second@example.org", "is_admin": "y"})
    assert account(app, "second@example.org").is_admin


def test_an_email_already_used_is_refused_with_a_message(app, admin_client, admin):
    response = post_form(admin_client, "/admin/facilitators", {"email": "ADMIN@example.org"})
    assert response.status_code == 422
    assert "A facilitator account already uses that email." in text_of(response)
    response = post_form(admin_client, "/admin/facilitators", {"email": "not an email"})
    assert response.status_code == 422
    assert "There is a problem" in text_of(response)


def test_new_temporary_password_replaces_the_old_one(app, admin_client, make_facilitator, login):
    user = make_facilitator(email="forgot@example.org", password="old password 1")
    stolen = login(app.test_client(), user)  # a browser that should no longer be signed in
    assert stolen.get("/").status_code == 200
    token = get_csrf(admin_client, "/admin/facilitators")
    response = admin_client.post(
        f"/admin/facilitators/{user.id}/password",
        data={"csrf_token": token},
        follow_redirects=True,  # the password is shown after a redirect (issue 15, item 13)
    )
    assert [r.status_code for r in response.history] == [302]
    assert response.status_code == 200
    password = PASSWORD_RE.search(response.get_data(as_text=True)).group(1)
    assert "forgot@example.org" in text_of(response)
    assert not can_sign_in(app, user.email, "old password 1")
    assert can_sign_in(app, user.email, password)
    assert stolen.get("/").status_code == 302  # signed out by the new password


def test_deactivation_ends_access_and_reactivation_restores_it(
    app, admin_client, make_facilitator, login
):
    user = make_facilitator(email="leaving@example.org")
    their_browser = login(app.test_client(), user)
    token = get_csrf(admin_client, "/admin/facilitators")
    response = admin_client.post(
        f"/admin/facilitators/{user.id}/deactivate", data={"csrf_token": token}
    )
    assert path_of(response.headers["Location"]) == "/admin/facilitators"
    assert "leaving@example.org can no longer sign in." in text_of(
        admin_client.get("/admin/facilitators")
    )
    assert not account(app, user.email).active
    assert their_browser.get("/").status_code == 302  # signed out at the next request
    assert not can_sign_in(app, user.email, user.password)

    admin_client.post(f"/admin/facilitators/{user.id}/reactivate", data={"csrf_token": token})
    assert account(app, user.email).active
    assert can_sign_in(app, user.email, user.password)


def test_an_admin_cannot_deactivate_themselves(app, admin_client, admin):
    token = get_csrf(admin_client, "/admin/facilitators")
    admin_client.post(f"/admin/facilitators/{admin.id}/deactivate", data={"csrf_token": token})
    assert account(app, admin.email).active
    assert "You cannot deactivate your own account." in text_of(
        admin_client.get("/admin/facilitators")
    )


def test_unknown_account_ids_are_404(admin_client):
    token = get_csrf(admin_client, "/admin/facilitators")
    for action in ("password", "deactivate", "reactivate"):
        response = admin_client.post(
            f"/admin/facilitators/999999/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404, action


def test_only_admins_see_the_accounts_link_and_page(app, admin_client, make_facilitator, login):
    assert 'href="/admin/facilitators"' in admin_client.get("/").get_data(as_text=True)
    someone = login(app.test_client(), make_facilitator())
    home = someone.get("/").get_data(as_text=True)
    assert 'href="/admin/facilitators"' not in home
    assert someone.get("/admin/facilitators").status_code == 404
    token = csrf_from(home)
    response = someone.post(
        "/admin/facilitators", data={"csrf_token": token, "email": "sneaky@example.org"}
    )
    assert response.status_code == 404
    assert account(app, "sneaky@example.org") is None
    anonymous = app.test_client().get("/admin/facilitators")
    assert path_of(anonymous.headers["Location"]).startswith("/login?next=")


def test_the_admin_does_not_see_other_facilitators_partnerships(app, admin_client, world):
    assert world.partnership.name not in text_of(admin_client.get("/"))
    for url in (
        f"/partnerships/{world.partnership.id}",
        f"/rounds/{world.round.id}",
        f"/rounds/{world.round.id}/export/responses.csv",
    ):
        assert admin_client.get(url).status_code == 404, url


# -- issue 15, item 13: confirm, not on one's own row, redirect after POST -----------------


def test_a_new_temporary_password_is_confirmed_first(app, admin_client, make_facilitator):
    user = make_facilitator(email="forgot@example.org", password="old password 1")
    listing = admin_client.get("/admin/facilitators").get_data(as_text=True)
    # The list links to a confirmation page; it holds no form that replaces a password.
    assert f'href="/admin/facilitators/{user.id}/password"' in listing
    assert f'action="/admin/facilitators/{user.id}/password"' not in listing
    confirm = admin_client.get(f"/admin/facilitators/{user.id}/password")
    assert confirm.status_code == 200
    assert "New temporary password for forgot@example.org?" in text_of(confirm)
    assert "Their current password stops working at once" in text_of(confirm)
    assert can_sign_in(app, user.email, "old password 1")  # looking changes nothing


def test_refreshing_after_a_new_password_does_not_issue_another(
    app, admin_client, make_facilitator
):
    user = make_facilitator(email="forgot@example.org", password="old password 1")
    url = f"/admin/facilitators/{user.id}/password"
    response = post_form(admin_client, url, {})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/admin/facilitators"
    shown = admin_client.get("/admin/facilitators")
    password = PASSWORD_RE.search(shown.get_data(as_text=True)).group(1)
    # The session carries no password, only what it is derived from with the secret key.
    cookie = admin_client.get_cookie("session")
    assert password not in (cookie.value if cookie else "")
    # A refresh is a GET of the list: the password is not changed again, nor shown again.
    again = admin_client.get("/admin/facilitators").get_data(as_text=True)
    assert password not in again
    assert can_sign_in(app, user.email, password)


def test_a_password_changed_since_is_not_shown(app, admin_client, make_facilitator):
    user = make_facilitator(email="forgot@example.org")
    post_form(admin_client, f"/admin/facilitators/{user.id}/password", {})
    with app.app_context():
        db.session.get(Facilitator, user.id).set_password("chosen by its owner 1")
        db.session.commit()
    shown = admin_client.get("/admin/facilitators").get_data(as_text=True)
    assert PASSWORD_RE.search(shown) is None


def test_no_new_temporary_password_on_ones_own_row(app, admin_client, admin):
    listing = admin_client.get("/admin/facilitators").get_data(as_text=True)
    assert f"/admin/facilitators/{admin.id}/password" not in listing
    assert 'href="/account/password"' in listing and "Change your password" in listing
    for method in ("get", "post"):
        token = get_csrf(admin_client, "/admin/facilitators")
        response = getattr(admin_client, method)(
            f"/admin/facilitators/{admin.id}/password", data={"csrf_token": token}
        )
        assert response.status_code == 302, method
        assert path_of(response.headers["Location"]) == "/account/password"
        page = text_of(admin_client.get("/account/password"))
        assert "To change your own password, use the Password page." in page
    # Still signed in, with the same password.
    assert admin_client.get("/admin/facilitators").status_code == 200
    assert can_sign_in(app, admin.email, admin.password)
