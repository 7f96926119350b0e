"""Finding instruments in ``questionnaires/`` and re-loading the ones pinned by rounds.

A round keeps the YAML text it was created with and its SHA-256; parsing is cached by that hash
so a busy round parses its instrument once per process, and a later edit of the file on disk
never changes a past round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from survey.core.problems import InputError
from survey.core.questionnaire import Questionnaire, parse_questionnaire


@dataclass(frozen=True)
class AvailableInstrument:
    filename: str
    questionnaire: Questionnaire | None
    problems: tuple[str, ...] = ()


def available(directory: str | Path) -> list[AvailableInstrument]:
    """Every ``*.yaml`` in the folder, valid or not (invalid ones carry their problems)."""
    found = []
    for path in sorted(Path(directory).glob("*.y*ml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            found.append(AvailableInstrument(path.name, pinned(text, path.name)))
        except InputError as exc:
            found.append(AvailableInstrument(path.name, None, tuple(map(str, exc.problems))))
    return found


def pinned(text: str, source: str = "<round>") -> Questionnaire:
    """The questionnaire for an instrument text, parsed once per distinct text."""
    return _parse_cached(hashlib.sha256(text.encode("utf-8")).hexdigest(), text, source)


def pinned_by_hash(sha256: str, text: Callable[[], str], source: str = "<round>") -> Questionnaire:
    """The questionnaire for a text known by its SHA-256; ``text`` is called only when this
    process has not parsed that text yet. A respondent's every page needs its round's
    instrument: this way the 36 KB text is neither read from the database nor hashed again."""
    found = _BY_HASH.get(sha256)
    if found is None:
        found = pinned(text(), source)
        if found.sha256 == sha256:  # a stored hash that disagrees with its text indexes nothing
            if len(_BY_HASH) >= 64:  # as many as the parse cache keeps; the oldest goes
                del _BY_HASH[next(iter(_BY_HASH))]
            _BY_HASH[sha256] = found
    return found


_BY_HASH: dict[str, Questionnaire] = {}


@lru_cache(maxsize=64)
def _parse_cached(sha256: str, text: str, source: str) -> Questionnaire:
    return parse_questionnaire(text, source)
