"""Static assets (survey/web/static and plotly.js) sent compressed, with versioned URLs.

Each asset is compressed once per content and kept in ``ASSET_CACHE_DIR`` (under the instance
folder, never committed), named by the hash of its bytes: a new file or a new plotly needs no
clean-up step. Brotli at its best setting takes some 25 s for plotly.js's 4.8 MB, too long
for a request to wait: the first request for a large asset gets gzip (well under a second)
while a background thread makes the Brotli copy; ``survey assets`` (the deploy step) makes
them all beforehand. A client that sends no usable Accept-Encoding gets the plain bytes.

URLs carry the content's hash (``/static/app.css?v=1a2b3c4d5e6f``), so a response whose URL
names the current content can be cached for a year; any other (an old page's URL, no ``v``)
must be revalidated. docs/decisions/0021-compressed-static-assets.md says why.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Flask, Response, abort, request
from werkzeug.security import safe_join

# Text formats worth compressing; fonts and images are compressed already.
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".txt", ".html", ".map"}
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
# Above this size, Brotli at quality 11 takes too long for a request: gzip first, Brotli later.
SYNC_BROTLI_BYTES = 256 * 1024
GZIP_LEVEL = 9
BROTLI_QUALITY = 11


@dataclass(frozen=True)
class Asset:
    data: bytes
    digest: str  # sha256 of data, hex
    mimetype: str
    compressible: bool

    @property
    def version(self) -> str:
        return self.digest[:12]


def load(data: bytes, name: str) -> Asset:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind == "application/javascript":
        kind = "text/javascript"
    return Asset(
        data, hashlib.sha256(data).hexdigest(), kind, Path(name).suffix.lower() in COMPRESSIBLE
    )


class AssetCache:
    """Compressed copies of assets on disk, by content hash and encoding."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._pending: set[Path] = set()

    def path(self, asset: Asset, encoding: str) -> Path:
        return self.folder / f"{asset.digest}.{'br' if encoding == 'br' else 'gz'}"

    def get(self, asset: Asset, encoding: str, *, wait: bool) -> bytes | None:
        """The ``encoding`` copy of ``asset``; made now if ``wait``, else None when missing
        (and made in the background)."""
        path = self.path(asset, encoding)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        if wait:
            return self._make(asset, encoding)
        with self._lock:
            if path in self._pending:
                return None
            self._pending.add(path)
        thread = threading.Thread(target=self._make, args=(asset, encoding), daemon=True)
        thread.start()
        return None

    def _make(self, asset: Asset, encoding: str) -> bytes:
        path = self.path(asset, encoding)
        try:
            if encoding == "br":
                data = brotli.compress(asset.data, quality=BROTLI_QUALITY)
            else:
                data = gzip.compress(asset.data, GZIP_LEVEL, mtime=0)
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                # Written aside then renamed: another worker never reads half a file.
                handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(tmp, path)
            except OSError:
                pass  # a read-only folder costs compression time, not the response
            return data
        finally:
            with self._lock:
                self._pending.discard(path)

    def prepare(self, assets: Iterable[Asset]) -> int:
        """Every compressed copy made now (the deploy step); how many were made."""
        made = 0
        for asset in assets:
            if not asset.compressible:
                continue
            for encoding in ("br", "gzip"):
                if not self.path(asset, encoding).exists():
                    self._make(asset, encoding)
                    made += 1
        return made


def accepted(header: str | None) -> list[str]:
    """The encodings we have that the client accepts, best first ("q=0" refuses one)."""
    offered: dict[str, float] = {}
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        offered[name.strip().lower()] = q
    star = offered.get("*", 0.0)
    return [e for e in ("br", "gzip") if offered.get(e, star) > 0]


def respond(asset: Asset, cache: AssetCache, *, versioned: bool) -> Response:
    """``asset`` in the best encoding the client accepts and the cache has (or can make)."""
    body, encoding = asset.data, None
    if asset.compressible:
        for candidate in accepted(request.headers.get("Accept-Encoding")):
            small = len(asset.data) <= SYNC_BROTLI_BYTES
            data = cache.get(asset, candidate, wait=candidate == "gzip" or small)
            if data is not None and len(data) < len(asset.data):
                body, encoding = data, candidate
                break
    # Werkzeug adds "; charset=utf-8" to text/* mimetypes itself.
    response = Response(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if asset.compressible:
        response.headers["Vary"] = "Accept-Encoding"
    # One validator per representation: a cache must not hand gzip to a plain client.
    response.set_etag(f"{asset.version}-{encoding or 'identity'}")
    response.headers["Cache-Control"] = LONG_CACHE if versioned else REVALIDATE
    response.make_conditional(request)  # updates this response in place (304 when it may)
    return response


# -- the app's static folder --------------------------------------------------------------

_ASSETS: dict[tuple[Path, int, int], Asset] = {}


def static_asset(folder: Path, filename: str) -> Asset | None:
    """A file of the static folder, read once per size and modification time."""
    joined = safe_join(str(folder), filename)
    if joined is None:
        return None
    path = Path(joined)
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _ASSETS:
        _ASSETS[key] = load(path.read_bytes(), path.name)
    return _ASSETS[key]


def cache_of(app: Flask) -> AssetCache:
    cache = app.extensions.get("asset_cache")
    if cache is None:
        cache = app.extensions["asset_cache"] = AssetCache(app.config["ASSET_CACHE_DIR"])
    return cache


def static_assets(app: Flask) -> list[Asset]:
    """Every file of the static folder (plotly.js is ``views.dashboard.plotly_asset``)."""
    folder = Path(app.static_folder or "")
    found = [
        static_asset(folder, str(path.relative_to(folder)))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]
    return [a for a in found if a is not None]


def register(app: Flask) -> None:
    """Serve ``/static/<filename>`` through the cache, and version its URLs."""
    folder = Path(app.root_path) / "static"
    app.static_folder = str(folder)

    def static(filename: str) -> Response:
        asset = static_asset(folder, filename)
        if asset is None:
            abort(404)
        wanted = request.args.get("v")
        return respond(asset, cache_of(app), versioned=wanted == asset.version)

    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict[str, str]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            asset = static_asset(folder, values["filename"])
            if asset is not None:
                values["v"] = asset.version
