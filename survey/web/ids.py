"""Ids and redirect targets as they come from a URL or a form.

An id is ASCII digits only (``str.isdigit`` also takes "²" and other Unicode digits, which
``int`` then refuses) and within the database's integer column (a 20-digit id would overflow
the driver): anything else is no id at all, never an exception (a 500).
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_ID = 2**31 - 1  # INTEGER primary keys on SQLite and PostgreSQL alike


def parse_id(value: object) -> int | None:
    """``value`` as a database id, or None when it cannot be one."""
    if not isinstance(value, str) or not value or len(value) > 10:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def safe_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site that a Location header can carry, else None.

    Only paths: an open redirect would let a phishing link borrow our name. No control
    characters: a CR or LF would split the header (werkzeug refuses it with a 500), and
    browsers drop tabs and read a backslash as a slash, turning "/\\evil" into "//evil".
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
