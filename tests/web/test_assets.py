"""Static assets and plotly.js sent compressed (survey/web/assets.py): the compressed bytes
decode to the file's own, the headers say which encoding and let caches keep each one apart,
a client that accepts no encoding gets the plain file, and versioned URLs are cached for a
year while any other URL is revalidated."""

from __future__ import annotations

import gzip
import threading
from pathlib import Path

import brotli
import plotly
import pytest
from flask import url_for

from survey.web import assets

STATIC = Path(assets.__file__).resolve().parent / "static"
PLOTLY_URL = f"/assets/plotly-{plotly.__version__}.min.js"


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    assert encoding is None, encoding
    return response.data


def versioned(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("filename", ["app.css", "app.js", "dashboard.js", "favicon.svg"])
def test_a_compressed_asset_decodes_to_the_same_bytes(app, client, encoding, filename):
    response = client.get(versioned(app, filename), headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < (STATIC / filename).stat().st_size
    assert decoded(response) == (STATIC / filename).read_bytes()


def test_a_client_without_accept_encoding_gets_the_plain_file(app, client):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "br;q=0, gzip;q=0"}):
        response = client.get(versioned(app, "app.css"), headers=headers)
        assert "Content-Encoding" not in response.headers, headers
        assert response.data == (STATIC / "app.css").read_bytes()
        # The same URL has other encodings: a cache must key on Accept-Encoding.
        assert "Accept-Encoding" in response.headers["Vary"]


def test_brotli_is_preferred_and_each_encoding_has_its_own_etag(app, client):
    url = versioned(app, "app.css")
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    gz = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    plain = client.get(url)
    assert br.headers["Content-Encoding"] == "br"
    assert gz.headers["Content-Encoding"] == "gzip"
    etags = {r.headers["ETag"] for r in (br, gz, plain)}
    assert len(etags) == 3
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304


def test_versioned_urls_are_cached_for_a_year_and_others_revalidated(app, client):
    url = versioned(app, "app.css")
    assert "?v=" in url
    assert client.get(url).headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in ("/static/app.css", "/static/app.css?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, no-cache", stale


def test_pages_link_the_versioned_urls(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/static/app.css?v=" in page


def test_files_outside_the_static_folder_are_not_served(client):
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/missing.css").status_code == 404


def test_plotly_is_sent_compressed_and_decodes_to_the_same_bytes(client):
    from survey.web.views.dashboard import plotly_asset

    response = client.get(PLOTLY_URL, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == "text/javascript"
    assert gzip.decompress(response.data) == plotly_asset().data
    assert len(response.data) < len(plotly_asset().data) / 2
    plain = client.get(PLOTLY_URL)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == plotly_asset().data


def test_a_large_asset_is_sent_as_gzip_until_its_brotli_copy_is_made(tmp_path, monkeypatch):
    """Brotli's best setting is too slow for a request: a background thread makes it."""
    monkeypatch.setattr(assets, "SYNC_BROTLI_BYTES", 10)
    cache = assets.AssetCache(tmp_path)
    asset = assets.load(b"console.log('hello');\n" * 200, "big.js")
    made = threading.Event()
    real_make = cache._make

    def make_then_signal(asset: assets.Asset, encoding: str) -> bytes:
        data = real_make(asset, encoding)
        if encoding == "br":
            made.set()
        return data

    monkeypatch.setattr(cache, "_make", make_then_signal)
    from flask import Flask

    app = Flask(__name__)
    with app.test_request_context(headers={"Accept-Encoding": "br, gzip"}):
        first = assets.respond(asset, cache, versioned=True)
        assert first.headers["Content-Encoding"] == "gzip"
        assert made.wait(10)
        second = assets.respond(asset, cache, versioned=True)
        assert second.headers["Content-Encoding"] == "br"
        second.direct_passthrough = False
        assert brotli.decompress(second.get_data()) == asset.data
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".br", ".gz"]


def test_prepare_makes_every_copy_once(tmp_path):
    cache = assets.AssetCache(tmp_path)
    items = [assets.load(b"body { color: red; }\n" * 50, "a.css"), assets.load(b"\x89PNG", "a.png")]
    assert cache.prepare(items) == 2  # br and gzip of the stylesheet; the image is left alone
    assert cache.prepare(items) == 0


def test_accepted_encodings_follow_the_header():
    assert assets.accepted("gzip, deflate, br, zstd") == ["br", "gzip"]
    assert assets.accepted("gzip") == ["gzip"]
    assert assets.accepted("*") == ["br", "gzip"]
    assert assets.accepted("*, br;q=0") == ["gzip"]
    assert assets.accepted("br;q=bogus, gzip") == ["gzip"]
    assert assets.accepted(None) == []


def test_survey_assets_makes_every_copy_before_the_first_visitor(make_app, tmp_path):
    from survey.cli import cli
    from survey.web.views.dashboard import plotly_asset

    app = make_app(ASSET_CACHE_DIR=str(tmp_path))
    result = app.test_cli_runner().invoke(cli, ["assets"])
    assert result.exit_code == 0, result.output
    made = {p.name for p in tmp_path.iterdir()}
    for asset in (plotly_asset(), assets.load((STATIC / "app.css").read_bytes(), "app.css")):
        assert {f"{asset.digest}.br", f"{asset.digest}.gz"} <= made
    # plotly.js as Brotli at once, made beforehand rather than in the background
    response = app.test_client().get(PLOTLY_URL, headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == plotly_asset().data
    again = app.test_cli_runner().invoke(cli, ["assets"])
    assert again.output.startswith("0 compressed copies made")
