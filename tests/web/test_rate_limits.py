"""Rate limits stop guessing without locking out a room that shares one Wi-Fi address."""

from __future__ import annotations

import pytest

from .helpers import post_form


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


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
