"""Finished PDFs kept on disk, keyed by everything that decides their bytes.

Laying out a 30-page report takes WeasyPrint seconds, however lean the HTML (see
docs/performance.md); the same report is asked for again and again: the facilitator's download,
the partner copies, the symposium pack made from the same rounds, a reprint for the session.
The key is a hash of the HTML handed to WeasyPrint, the document's stylesheets and fonts, the
page size, the language and WeasyPrint's version, so a new answer, a renamed partner, a changed
template or an upgrade all make a new key and nothing stale is ever served: there is nothing to
invalidate. Old entries are removed, oldest first, when the folder grows past its budget.

Files are written to a temporary name and renamed into place, so a reader on another thread,
process or app server sharing the folder sees a whole PDF or none. No Flask here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import weasyprint

DEFAULT_BUDGET = 256 * 1024 * 1024


def fingerprint(files: Iterable[Path]) -> str:
    """A hash of the files' contents and WeasyPrint's version: what, besides the HTML, decides
    the bytes of a PDF."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class PdfCache:
    """A folder of PDFs named by their key; ``budget`` bytes at most (roughly: checked after
    each write)."""

    def __init__(self, directory: Path | str, budget: int = DEFAULT_BUDGET) -> None:
        self.directory = Path(directory)
        self.budget = budget

    def key(self, *parts: str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big") + encoded)  # no two splits collide
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            body = path.read_bytes()
        except OSError:  # not there, or an unreadable folder: a miss
            return None
        with contextlib.suppress(OSError):  # removed meanwhile: the bytes read still hold
            os.utime(path)  # recently used: evicted last
        return body

    def put(self, key: str, body: bytes) -> None:
        """Keep ``body`` under ``key``; a full or read-only disk costs speed, never the report,
        so it is ignored."""
        path = self._path(key)
        try:
            # Owner-only: finished reports hold scores and partners' comments.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        except OSError:
            return
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(body)
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return
        self._trim()

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        cached = self.get(key)
        if cached is not None:
            return cached
        body = render()
        self.put(key, body)
        return body

    def _trim(self) -> None:
        entries = []
        for path in self.directory.glob("*/*.pdf"):
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed by another process meanwhile
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.budget:
                break
            path.unlink(missing_ok=True)
            total -= size
