"""Facilitator sign-in and sign-out, and which pages need it."""

from __future__ import annotations

from sqlalchemy import update

from survey.store.database import db
from survey.store.models import Facilitator
from tests.helpers import csrf_from, get_csrf, path_of, post_form, text_of

WRONG = "That email and password do not match an account."


def test_login_page_renders_with_csrf_token(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert csrf_from(page.get_data(as_text=True))
    assert 'type="password"' in page.get_data(as_text=True)


def test_login_with_right_password_goes_home(client, make_facilitator):
    user = make_facilitator(email="ana@example.org", password="s3cret-pass")
    response = post_form(client, "/login", {"email": "ana@example.org", "password": "s3cret-pass"})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Your partnerships" in text_of(home)
    assert user.id


def test_login_email_is_case_insensitive_and_trimmed(client, make_facilitator):
    make_facilitator(email="ana@example.org", password="s3cret-pass")
    response = post_form(
        client, "/login", {"email": "  Ana@Example.ORG ", "password": "s3cret-pass"}
    )
    assert response.status_code == 302


def test_login_refused_shows_error_and_stays_signed_out(client, make_facilitator):
    make_facilitator(email="ana@example.org", password="s3cret-pass")
    for email, password in [
        ("ana@example.org", "wrong password"),
        ("nobody@example.org", "s3cret-pass"),
        ("ana@example.org", ""),
    ]:
        response = post_form(client, "/login", {"email": email, "password": password})
        assert response.status_code == 200, (email, password)
        page = text_of(response)
        assert "There is a problem" in page  # the error summary
        if password:
            assert WRONG in page
        assert client.get("/").status_code == 302  # still signed out


def test_inactive_account_cannot_sign_in(client, make_facilitator):
    make_facilitator(email="gone@example.org", password="s3cret-pass", active=False)
    response = post_form(client, "/login", {"email": "gone@example.org", "password": "s3cret-pass"})
    assert response.status_code == 200
    assert WRONG in text_of(response)
    assert client.get("/").status_code == 302


def test_deactivated_account_loses_its_session_and_remember_cookie(app, client, make_facilitator):
    """Deactivating an account must end access, even with a "keep me signed in" cookie."""
    user = make_facilitator(email="leaving@example.org", password="s3cret-pass")
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": user.password, "remember": "y"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        db.session.execute(
            update(Facilitator).where(Facilitator.id == user.id).values(active=False)
        )
        db.session.commit()
    assert client.get("/").status_code == 302
    # Only the remember-me cookie left (a new browser session): still no way in.
    client.delete_cookie("session")
    assert client.get("/").status_code == 302


def test_facilitator_pages_redirect_to_login(client):
    for path in ["/", "/partnerships/new", "/partnerships/1", "/rounds/1"]:
        response = client.get(path)
        assert response.status_code == 302, path
        location = path_of(response.headers["Location"])
        assert location.startswith("/login"), path
        assert "next=" in location


def test_next_parameter_is_followed_for_local_paths(client, make_facilitator):
    user = make_facilitator()
    response = post_form(
        client,
        "/login?next=/partnerships/new",
        {"email": user.email, "password": user.password},
    )
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/partnerships/new"


def _login_with_next(client, user, target: str):
    token = get_csrf(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": user.password, "csrf_token": token},
    )
    assert response.status_code == 302, target
    client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    return response.headers["Location"]


OFF_SITE = [
    "//evil.com",
    "//evil.com/path",
    "https://evil.com/",
    "http:evil.com",
    "\\\\evil.com",
    "/\t/evil.com",
    "javascript:alert(1)",
    "evil.com",
]


def test_next_parameter_open_redirect_refused(client, make_facilitator):
    user = make_facilitator()
    for target in OFF_SITE:
        assert _login_with_next(client, user, target) == "/", target


def assert_stays_on_site(location: str) -> None:
    """What a browser would make of the Location: a path on this site, never another host
    (browsers read a backslash like a slash, so "/\\evil.com" would mean //evil.com)."""
    assert location.startswith("/"), location
    assert not location.startswith("//"), location
    assert "\\" not in location and "\t" not in location and "\n" not in location, location


def test_next_parameter_with_backslashes_stays_on_site(client, make_facilitator):
    user = make_facilitator()
    for target in ["/\\evil.com", "/\\/evil.com", "/%5C%5Cevil.com"]:
        assert_stays_on_site(_login_with_next(client, user, target))


def test_language_switch_next_open_redirect_refused(client):
    for target in ["//evil.com", "https://evil.com", "/\t/evil.com", "/\\evil.com"]:
        response = client.get("/language/fr", query_string={"next": target})
        assert response.status_code == 302
        assert_stays_on_site(response.headers["Location"])
        if "\\" not in target:
            assert response.headers["Location"] == "/", target


def test_logout_needs_post(client, make_facilitator, login):
    login(client, make_facilitator())
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, make_facilitator, login):
    login(client, make_facilitator())
    response = client.post("/logout")
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert client.get("/").status_code == 200  # still signed in


def test_logout_with_csrf_token_signs_out(client, make_facilitator, login):
    login(client, make_facilitator())
    token = get_csrf(client, "/")  # the sign-out button of the header
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/login"
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client, make_facilitator):
    user = make_facilitator()
    response = client.post("/login", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    assert "This form has expired" in text_of(response)
    assert client.get("/").status_code == 302


def test_signed_in_facilitator_visiting_login_goes_home(client, make_facilitator, login):
    login(client, make_facilitator())
    response = client.get("/login")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == "/"


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    token = get_csrf(client, "/login")
    statuses = [
        client.post(
            "/login", data={"email": "x@example.org", "password": "nope", "csrf_token": token}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429
    page = client.post(
        "/login", data={"email": "x@example.org", "password": "n", "csrf_token": token}
    )
    assert page.status_code == 429
    assert "Too many tries" in text_of(page)


def test_a_facilitator_changes_their_own_password(client, new_client, make_facilitator):
    make_facilitator(email="ana@example.org", password="s3cret-pass")
    post_form(client, "/login", {"email": "ana@example.org", "password": "s3cret-pass"})
    laptop = new_client()  # the same person, signed in on another device
    post_form(laptop, "/login", {"email": "ana@example.org", "password": "s3cret-pass"})
    assert laptop.get("/").status_code == 200
    page = client.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="new-password"' in text_of(page)

    refused = [
        (
            {
                "current": "wrong",
                "new": "quiet-orchard-lantern",
                "confirm": "quiet-orchard-lantern",
            },
            "That is not your current password.",
        ),
        (
            {"current": "s3cret-pass", "new": "short", "confirm": "short"},
            "Use at least 8 characters",
        ),
        (
            {
                "current": "s3cret-pass",
                "new": "quiet-orchard-lantern",
                "confirm": "other-orchard-lantern",
            },
            "The two new passwords differ.",
        ),
    ]
    for data, message in refused:
        response = post_form(client, "/account/password", data)
        assert response.status_code == 200, data
        assert "There is a problem" in text_of(response) and message in text_of(response), data

    done = post_form(
        client,
        "/account/password",
        {
            "current": "s3cret-pass",
            "new": "quiet-orchard-lantern",
            "confirm": "quiet-orchard-lantern",
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200  # this browser stays signed in
    assert laptop.get("/").status_code == 302  # the other device is signed out
    elsewhere = new_client()
    old = post_form(elsewhere, "/login", {"email": "ana@example.org", "password": "s3cret-pass"})
    assert WRONG in text_of(old)
    new = post_form(
        elsewhere, "/login", {"email": "ana@example.org", "password": "quiet-orchard-lantern"}
    )
    assert new.status_code == 302


def test_changing_a_password_needs_a_signed_in_facilitator(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_forged_or_stale_session_id_signs_no_one_in(app, client, make_facilitator):
    user = make_facilitator(email="ana@example.org", password="s3cret-pass")
    for forged in (str(user.id), f"{user.id}.0000000000000000", f"{user.id}.é", "x.y", "9" * 30):
        with client.session_transaction() as session:
            session["_user_id"] = forged
            session["_fresh"] = True
        assert client.get("/").status_code == 302, forged
