"""The password policy (issue 15, item 5): long enough is not enough."""

from __future__ import annotations

import pytest

from survey.core.passwords import TOO_SHORT, TOO_WEAK, password_problem
from survey.store.demo import DEMO_PASSWORD


@pytest.mark.parametrize(
    "weak", ["aaaaaaaa", "password", "12345678", "Password1", "qwertyuiop", "abcdefgh"]
)
def test_common_and_trivial_passwords_are_too_weak(weak):
    assert password_problem(weak) == TOO_WEAK


def test_short_passwords_are_too_short():
    assert password_problem("x7#Kq") == TOO_SHORT


def test_the_account_s_own_email_and_name_make_a_weak_password():
    assert password_problem("ana.lee2026") is None  # a stranger's guess list lacks it
    assert password_problem("ana.lee2026", ["ana.lee@example.org", "Ana Lee"]) == TOO_WEAK


@pytest.mark.parametrize(
    "good", [DEMO_PASSWORD, "correct horse battery", "tangerine-ledger-orbit", "heron-quartz-123"]
)
def test_the_demo_s_and_the_tests_passwords_pass(good):
    assert password_problem(good, ["demo@example.org", "Demo facilitator"]) is None


def test_a_very_long_password_is_scored_quickly():
    import time

    started = time.perf_counter()
    password_problem("Zq8!" * 50)
    assert time.perf_counter() - started < 2
