"""The session cookie (survey/web/sessions.py): sent again only when it changed or is a day old.

A respondent's browser keeps its resume links in a permanent session that lives 30 days from
the last visit. These tests pin what that means for them: an unchanged cookie is not re-signed
on every page, yet the lifetime still slides forward, changes are always sent, and a cookie
past its lifetime or signed with another key is refused.
"""

from __future__ import annotations

import time
from datetime import timedelta

from itsdangerous import TimestampSigner

from tests.helpers import start_response

DAY = 24 * 3600


def _session_cookies(response) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]


def _signed_ago(app, monkeypatch, data: dict, seconds: int) -> str:
    """A session cookie for ``data`` as the app would have signed it ``seconds`` ago."""
    then = int(time.time()) - seconds
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        serializer = app.session_interface.get_signing_serializer(app)
        return serializer.dumps(data)


def _session_data(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_an_unchanged_session_is_not_signed_again_on_every_page(client, world):
    token = world.round.token()
    resume = start_response(client, token)
    first = client.get(f"/s/{resume}/1")
    assert first.status_code == 200
    assert _session_cookies(first) == [], "nothing changed: the browser's cookie stays as it is"
    # The browser still holds its resume link: the welcome page offers to continue.
    welcome = client.get(f"/r/{token}")
    assert f"/s/{resume}" in welcome.get_data(as_text=True)


def test_a_changed_session_is_always_sent(client, world):
    resume = start_response(client, world.round.token())
    switched = client.get(f"/s/{resume}/language/fr?page=1")
    assert switched.status_code == 302
    cookies = _session_cookies(switched)
    assert len(cookies) == 1
    assert "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]


def test_a_day_old_cookie_is_signed_again_so_its_lifetime_slides(app, client, world, monkeypatch):
    token = world.round.token()
    resume = start_response(client, token)
    data = _session_data(client)
    assert data["responses"] == {token: resume}
    # The same session, as signed 25 days ago: 5 days of its 30 left.
    client.set_cookie("session", _signed_ago(app, monkeypatch, data, 25 * DAY))
    page = client.get(f"/s/{resume}/1")
    assert page.status_code == 200
    cookies = _session_cookies(page)
    assert len(cookies) == 1, "a cookie over a day old is signed again"
    assert "Expires=" in cookies[0]
    # The new cookie is fresh: read now, it is not re-sent again, and it holds the same links.
    assert _session_cookies(client.get(f"/s/{resume}/1")) == []
    assert _session_data(client)["responses"] == {token: resume}


def test_a_cookie_under_a_day_old_is_not_signed_again(app, client, world, monkeypatch):
    resume = start_response(client, world.round.token())
    data = _session_data(client)
    client.set_cookie("session", _signed_ago(app, monkeypatch, data, DAY - 600))
    assert _session_cookies(client.get(f"/s/{resume}/1")) == []


def test_a_cookie_past_its_lifetime_is_forgotten(app, client, world, monkeypatch):
    token = world.round.token()
    resume = start_response(client, token)
    data = _session_data(client)
    assert app.permanent_session_lifetime == timedelta(days=30)
    client.set_cookie("session", _signed_ago(app, monkeypatch, data, 31 * DAY))
    welcome = client.get(f"/r/{token}")
    assert welcome.status_code == 200
    # The browser no longer remembers the response; the personal resume link still works.
    assert f"/s/{resume}" not in welcome.get_data(as_text=True)
    assert client.get(f"/s/{resume}/1").status_code == 200


def test_a_cookie_signed_with_another_key_is_refused(app, client, world, monkeypatch):
    token = world.round.token()
    resume = start_response(client, token)
    data = _session_data(client)
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = app.secret_key = "another-key-" + "0" * 40
    try:
        forged = _signed_ago(app, monkeypatch, data, 0)
    finally:
        app.config["SECRET_KEY"] = app.secret_key = key
    client.set_cookie("session", forged)
    welcome = client.get(f"/r/{token}")
    assert f"/s/{resume}" not in welcome.get_data(as_text=True)
