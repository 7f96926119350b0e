"""The password policy a facilitator's account must meet, on the web and in the CLI alike.

Length alone let "aaaaaaaa", "password" and "12345678" through. zxcvbn (Dropbox's estimator,
maintained as the ``zxcvbn`` package) scores a password 0-4 from the guesses an attacker
would need, knowing common passwords, words, names, keyboard patterns, repeats, sequences and
dates; we ask for 3 ("safely unguessable": about 10^8 guesses or more), as its authors
suggest for accounts that matter. See docs/decisions/0015-password-strength.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_PASSWORD = 8
MIN_SCORE = 3
# zxcvbn's matching grows fast with length; beyond this a password is long enough, and only
# its start is scored (a long password made of one repeated word still scores low).
SCORED_LENGTH = 72

TOO_SHORT = "too_short"
TOO_WEAK = "too_weak"


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """``TOO_SHORT``, ``TOO_WEAK`` or None when ``password`` is good enough.

    ``user_inputs`` are words an attacker would try first for this account (its email and
    name): a password made of them is weak.
    """
    if len(password) < MIN_PASSWORD:
        return TOO_SHORT
    inputs = [part for text in user_inputs for part in _parts(text)]
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=inputs)["score"] < MIN_SCORE:
        return TOO_WEAK
    return None


def _parts(text: str) -> list[str]:
    """An email's or a name's pieces, as an attacker would guess them."""
    text = text.strip().lower()
    local = text.split("@")[0]
    cleaned = text.replace("@", " ").replace(".", " ").replace("-", " ").replace("_", " ")
    return [text, local, *[part for part in cleaned.split() if len(part) > 2]]


def problem_text(problem: str) -> str:
    """The problem in English, for the command line (the web translates its own)."""
    if problem == TOO_SHORT:
        return f"use at least {MIN_PASSWORD} characters."
    return (
        "that password is too easy to guess (a common password, a word, a name, a "
        "pattern or a sequence); use a longer phrase of several unrelated words."
    )
