"""Rate limits stop guessing without locking out a room that shares one Wi-Fi address.

Every test here runs with the limits kept in memory (the default) and in Redis (when
RATELIMIT_STORAGE_URI names one, as with several gunicorn workers): Redis at TEST_REDIS_URL,
default redis://127.0.0.1:6379/0, skipped with the reason when it cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from survey.web.extensions import limiter
from tests.helpers import get_csrf, post_form, start_response, text_of

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_unreachable() -> str | None:
    """Why Redis cannot be used here, or None when it can."""
    try:
        import redis
    except ImportError:
        return "the redis package is not installed (pip install -e '.[serve]')"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        return f"Redis not reachable at {REDIS_URL} ({type(exc).__name__}); set TEST_REDIS_URL"
    return None


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> str:
    if request.param == "memory":
        return "memory://"
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    return REDIS_URL


# Flask-Limiter keeps the first key prefix it is given for the life of the process (its
# limiter is module-global), so this run uses one prefix of its own and clears its keys before
# each test: counts from other runs on the same Redis never meet this one's.
KEY_PREFIX = f"test-{uuid.uuid4().hex}"


def _clear_redis_counts() -> None:
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(match=f"LIMITS:LIMITER/{KEY_PREFIX}/*"))
    if keys:
        server.delete(*keys)


@pytest.fixture
def limits_config(storage) -> Iterator[dict[str, object]]:
    if storage.startswith("redis"):
        _clear_redis_counts()
    yield {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": KEY_PREFIX,
    }
    if storage.startswith("redis"):
        _clear_redis_counts()


@pytest.fixture
def app_overrides(limits_config):
    return limits_config


def test_a_room_behind_one_address_can_open_a_valid_link_many_times(client, world):
    token = world.round.invitations["Police"].token
    statuses = {client.get(f"/r/{token}").status_code for _ in range(60)}
    assert statuses == {200}


def test_guessing_invitation_tokens_is_limited(client, world):
    statuses = [client.get(f"/r/guess-{i:04d}").status_code for i in range(35)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == 429
    # The limit is on failures: once blocked, the address waits like any guesser.
    assert client.get(f"/r/{world.round.invitations['Police'].token}").status_code == 429


def test_login_attempts_are_limited(client, world):
    statuses = [
        post_form(client, "/login", {"email": world.owner.email, "password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10  # the form again, with its error
    assert statuses[10:] == [429, 429]


def test_login_attempts_on_one_account_are_limited_across_addresses(app, world):
    """A guesser spreading tries over many addresses (issue 15): each stays under the limit
    per address, and the account's own limit (30 an hour) stops them together."""
    statuses = []
    for address in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{address + 1}"
        for _ in range(8):
            data = {"email": f" {world.owner.email.upper()} ", "password": "wrong"}
            statuses.append(post_form(client, "/login", data).status_code)
    assert statuses[:30] == [200] * 30
    assert statuses[30:] == [429, 429]
    # Another account, from yet another address, is not held up by it.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "203.0.113.99"
    data = {"email": world.other.email, "password": world.other.password}
    assert post_form(client, "/login", data).status_code == 302


def test_the_app_uses_the_configured_storage(app, storage):
    assert app.config["RATELIMIT_STORAGE_URI"] == storage
    expected = "MemoryStorage" if storage.startswith("memory") else "RedisStorage"
    with app.app_context():
        assert type(limiter.storage).__name__ == expected


def test_guessing_resume_links_is_limited(client, world):
    statuses = [client.get(f"/s/guess-{i:04d}/1").status_code for i in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == 429
    assert "Too many tries" in text_of(client.get("/s/guess-more/review"))


def test_a_respondent_moving_through_their_pages_is_not_limited(app, client, world):
    resume = start_response(client, world.round.token())
    statuses = {client.get(f"/s/{resume}/{1 + i % 2}").status_code for i in range(60)}
    assert statuses == {200}


def test_guessing_session_codes_is_limited(client):
    token = get_csrf(client, "/join")
    statuses = [
        client.post("/join", data={"code": f"ZZZZ{c}Z", "csrf_token": token}).status_code
        for c in "ABCDEFGHJKMNPQRSTUVW"
    ]
    assert statuses == [200] * 20
    assert client.post("/join", data={"code": "ZZZZZZ", "csrf_token": token}).status_code == 429


def test_a_new_worker_sees_the_counts_only_with_redis(make_app, limits_config, storage, world):
    """A guesser whose requests land on another gunicorn worker: with Redis the new worker
    (its own connection to the storage) goes on counting; memory:// counts per worker."""
    first = make_app(create_tables=False, **limits_config).test_client()
    statuses = [first.get(f"/r/guess-{i:04d}").status_code for i in range(20)]
    second = make_app(create_tables=False, **limits_config).test_client()
    statuses += [second.get(f"/r/guess-{i:04d}").status_code for i in range(20, 31)]
    assert statuses[:30] == [404] * 30
    assert statuses[-1] == (404 if storage.startswith("memory") else 429)


def test_limits_hold_in_memory_when_redis_is_down(make_app, world):
    """A configured Redis that stops answering must not turn every sign-in into a 500."""
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    if "not installed" in (redis_unreachable() or ""):
        pytest.skip("the redis package is not installed")
    client = app.test_client()
    statuses = [
        post_form(client, "/login", {"email": world.owner.email, "password": "wrong"}).status_code
        for _ in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_storage_comes_from_the_environment(monkeypatch, tmp_path):
    from survey.web.config import build_config

    overrides = {"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert build_config(tmp_path, overrides)["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/2")
    config = build_config(tmp_path, overrides)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
