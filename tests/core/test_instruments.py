"""Re-loading the instrument a round pinned (survey/core/instruments.py): by its stored hash."""

from __future__ import annotations

import hashlib

import pytest

from survey.core import instruments
from survey.core.instruments import pinned_by_hash
from survey.core.problems import InputError
from tests.core.helpers import TINY


def _text() -> str:
    return TINY.read_text(encoding="utf-8")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(autouse=True)
def _empty_index(monkeypatch):
    monkeypatch.setattr(instruments, "_BY_HASH", {})


def test_the_text_is_read_only_the_first_time_its_hash_is_met() -> None:
    text = _text()
    reads: list[int] = []

    def stored_text() -> str:
        reads.append(1)
        return text

    first = pinned_by_hash(_sha(text), stored_text, "round 1")
    again = pinned_by_hash(_sha(text), stored_text, "round 1")
    assert again is first
    assert first.sha256 == _sha(text)
    assert len(reads) == 1


def test_a_hash_that_disagrees_with_its_text_is_never_trusted() -> None:
    """A stored hash that is not its text's (a hand-edited database) gives the text's own
    instrument, every time, and never stands for it in the index."""
    text = _text()
    edited = text.replace("Tiny", "Tinier", 1)
    assert edited != text
    wrong = _sha(text)
    got = pinned_by_hash(wrong, lambda: edited)
    assert got.sha256 == _sha(edited)
    assert pinned_by_hash(wrong, lambda: text).sha256 == _sha(text)


def test_a_broken_text_is_reported_each_time() -> None:
    with pytest.raises(InputError):
        pinned_by_hash("0" * 64, lambda: "id: [unclosed")
    with pytest.raises(InputError):
        pinned_by_hash("0" * 64, lambda: "id: [unclosed")
