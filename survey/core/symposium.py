"""Symposium sessions: short join codes, and the cohort average a partnership is set against.

No Flask and no database here: codes are strings, reports are score reports (plain data).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

# Six characters nobody can misread from the back of a room: no 0/O, no 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_IGNORED = re.compile(r"[\s\-‐‑‒–—_.]+")

# A cohort average from two partnerships would tell each one the other's scores exactly;
# from three, a partnership learns only the mean of the two others.
MIN_COHORT = 3


def new_code() -> str:
    """A random session code from the OS's CSPRNG: 31^6, about 887 million codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what someone typed ("abc-d2 3" -> "ABCD23"); None when it
    cannot be a code at all (wrong length, or a character no code contains)."""
    code = _IGNORED.sub("", typed or "").upper()
    return code if _CODE_RE.match(code) else None


def format_code(code: str) -> str:
    """The code as shown on a screen: two groups of three, easier to read aloud."""
    return f"{code[:3]} {code[3:]}" if len(code) == CODE_LENGTH else code


def cohort_scores(
    reports: Iterable[Mapping[str, Any]],
    dimensions: Iterable[str],
    minimum: int = MIN_COHORT,
) -> dict[str, dict[str, Any]]:
    """Per dimension, the mean of the partnerships' scores: one voice per partnership, however
    many people answered, as within a partnership each organisation counts once.

    Returns ``{dimension: {"mean": float | None, "partnerships": n}}``; the mean is None when
    fewer than ``minimum`` partnerships have a score on that dimension.
    """
    reports = list(reports)
    out: dict[str, dict[str, Any]] = {}
    for dim in dimensions:
        values = [
            float(value)
            for report in reports
            if (value := report["partnership"]["scores"].get(dim)) is not None
        ]
        mean = sum(values) / len(values) if len(values) >= minimum else None
        out[dim] = {"mean": mean, "partnerships": len(values)}
    return out
