"""Finding instruments in ``questionnaires/`` and re-loading the ones pinned by rounds.

A round keeps the YAML text it was created with; parsing it is cached by its SHA-256 so a
busy round parses its instrument once per process, and a later edit of the file on disk never
changes a past round.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from survey.problems import InputError
from survey.questionnaire import Questionnaire, parse_questionnaire


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


@lru_cache(maxsize=64)
def _parse_cached(sha256: str, text: str, source: str) -> Questionnaire:
    return parse_questionnaire(text, source)
