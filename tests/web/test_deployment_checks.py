"""What a production deployment must configure, or the app refuses to start (issue 15):
a secret key of 32 bytes or more, the public address (BASE_URL) or the trusted host names,
and rate limits shared between workers; and links that never take the request's Host."""

from __future__ import annotations

import pytest

from survey.web.config import build_config, check_config
from tests.helpers import csrf_from, path_of, start_response, text_of

STRONG_KEY = "k" * 64


def production_config(monkeypatch, tmp_path, **env: str) -> dict:
    for name in ("SECRET_KEY", "BASE_URL", "TRUSTED_HOSTS", "SURVEY_WORKERS", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("SURVEY_ENV", "production")
    env = {"SECRET_KEY": STRONG_KEY, "BASE_URL": "https://survey.example.org", **env}
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return build_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_complete_production_configuration_starts(monkeypatch, tmp_path):
    config = production_config(monkeypatch, tmp_path, RATELIMIT_STORAGE_URI="redis://r:6379/0")
    assert check_config(config) == ([], [])
    assert config["TRUSTED_HOSTS"] == ["survey.example.org"]


def test_a_short_secret_key_is_refused_in_production(monkeypatch, tmp_path):
    config = production_config(monkeypatch, tmp_path, SECRET_KEY="x" * 31)
    problems, _ = check_config(config)
    assert any("SECRET_KEY is 31 bytes" in p and "at least 32" in p for p in problems)
    monkeypatch.setenv("SURVEY_ENV", "development")  # a laptop may use anything
    assert not check_config(build_config(tmp_path, {"SECRET_KEY": "short"}))[0]


def test_production_needs_base_url_or_trusted_hosts(monkeypatch, tmp_path):
    config = production_config(monkeypatch, tmp_path, BASE_URL=None)
    assert any("BASE_URL" in p and "TRUSTED_HOSTS" in p for p in check_config(config)[0])
    config = production_config(monkeypatch, tmp_path, BASE_URL=None, TRUSTED_HOSTS="a.org, B.org")
    assert config["TRUSTED_HOSTS"] == ["a.org", "b.org"]
    assert not any("BASE_URL" in p for p in check_config(config)[0])


@pytest.mark.parametrize("bad", ["survey.example.org", "ftp://x.org", "https://x.org/survey"])
def test_a_malformed_base_url_is_refused(monkeypatch, tmp_path, bad):
    config = production_config(monkeypatch, tmp_path, BASE_URL=bad)
    assert any("BASE_URL=" in p for p in check_config(config)[0])


@pytest.mark.parametrize("variable", ["SURVEY_WORKERS", "WEB_CONCURRENCY"])
def test_memory_rate_limits_with_several_workers_refuse_to_start(monkeypatch, tmp_path, variable):
    config = production_config(monkeypatch, tmp_path, **{variable: "4"})
    problems, _ = check_config(config)
    assert any("4 workers" in p and "RATELIMIT_STORAGE_URI=redis://" in p for p in problems)
    from survey.web.app import create_app

    with pytest.raises(RuntimeError, match="4 workers"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_memory_rate_limits_with_one_worker_start_quietly(monkeypatch, tmp_path):
    assert check_config(production_config(monkeypatch, tmp_path, SURVEY_WORKERS="1")) == ([], [])


def test_memory_rate_limits_with_unknown_workers_warn_in_the_log_and_to_admins(
    monkeypatch, tmp_path, make_app, make_facilitator, login, caplog
):
    import logging

    from survey.store.database import db
    from survey.store.models import Facilitator

    # Alembic's fileConfig in earlier tests may have disabled existing loggers.
    monkeypatch.setattr(logging.getLogger("survey.web.app"), "disabled", False)
    production_config(monkeypatch, tmp_path)
    app = make_app(RATELIMIT_ENABLED=True, SECRET_KEY=STRONG_KEY)
    assert any("number of workers is unknown" in r.getMessage() for r in caplog.records)
    admin = make_facilitator()
    with app.app_context():
        db.session.get(Facilitator, admin.id).is_admin = True
        db.session.commit()
    client = app.test_client()
    https = "https://survey.example.org"
    page = client.get("/login", base_url=https)
    client.post(
        "/login",
        base_url=https,
        data={
            "email": admin.email,
            "password": admin.password,
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    page = client.get("/admin/facilitators", base_url=https)
    assert page.status_code == 200
    assert "number of workers is unknown" in text_of(page)


def test_the_gunicorn_config_hook_refuses_several_workers_with_memory_limits(monkeypatch):
    import importlib.util
    from pathlib import Path
    from types import SimpleNamespace

    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("SURVEY_WORKERS", raising=False)
    module.on_starting(SimpleNamespace(cfg=SimpleNamespace(workers=3)))
    import os

    assert os.environ["SURVEY_WORKERS"] == "3"


# -- item 8: links never take the Host header -------------------------------------------------


@pytest.fixture
def app_overrides():
    # Any host is served here ([]), to show that links ignore it even then.
    return {"BASE_URL": "https://survey.example.org", "TRUSTED_HOSTS": []}


EVIL = "http://evil.example"
EVIL_HOST = {"Host": "evil.example"}


def follow_to_evil(client):
    """The browser's cookies, sent to the forged host too (a proxy passing any Host on)."""
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain="evil.example")
    return client


def test_links_to_partners_use_base_url_whatever_the_host(app, world, login, monkeypatch):
    """Host: evil.example must not end up in invitation links, QR codes, join or resume links."""
    import segno

    client = follow_to_evil(login(app.test_client(), world.owner))
    page = text_of(client.get(f"/rounds/{world.round.id}", headers=EVIL_HOST))
    token = world.round.token("Police")
    assert f"https://survey.example.org/r/{token}" in page
    assert "evil.example" not in page

    encoded: list[str] = []
    real_make = segno.make
    monkeypatch.setattr(segno, "make", lambda text, **kw: encoded.append(text) or real_make(text))
    invitation = world.round.invitations["Police"].id
    assert client.get(f"/invitations/{invitation}/qr.svg", headers=EVIL_HOST).status_code == 200
    assert encoded == [f"https://survey.example.org/r/{token}"]

    respondent = app.test_client()
    resume = start_response(respondent, token)
    follow_to_evil(respondent)
    saved = text_of(respondent.get(f"/s/{resume}/saved", headers=EVIL_HOST))
    assert "https://survey.example.org/s/" in saved and "evil.example" not in saved


def test_join_links_use_base_url(app, world, login, make_session):
    session = make_session(world.owner, [world.round])
    client = follow_to_evil(login(app.test_client(), world.owner))
    page = text_of(client.get(f"/sessions/{session.id}", headers=EVIL_HOST))
    assert "https://survey.example.org/join" in page and "evil.example" not in page
    projector = text_of(client.get(f"/sessions/{session.id}/projector", headers=EVIL_HOST))
    assert "https://survey.example.org/join" in projector and "evil.example" not in projector


def test_untrusted_hosts_get_a_400(make_app):
    app = make_app(TRUSTED_HOSTS=["survey.example.org"])
    client = app.test_client()
    assert client.get("/login", base_url="https://survey.example.org").status_code == 200
    assert client.get("/login", base_url="https://survey.example.org:8443").status_code == 200
    bad = client.get("/login", base_url=EVIL)
    assert bad.status_code == 400 and b"host name" in bad.data
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_untrusted_forwarded_hosts_get_a_400_behind_a_proxy(make_app):
    app = make_app(TRUSTED_HOSTS=["survey.example.org"], PROXY_FIX=1)
    client = app.test_client()
    ok = client.get(
        "/login", base_url="http://10.0.0.5", headers={"X-Forwarded-Host": "survey.example.org"}
    )
    assert ok.status_code == 200
    bad = client.get(
        "/login", base_url="http://survey.example.org", headers={"X-Forwarded-Host": "evil.example"}
    )
    assert bad.status_code == 400


def test_redirects_stay_relative(app, world):
    """Flask's redirects are relative paths: the Location never names the request's host."""
    client = app.test_client()
    response = client.get("/", base_url=EVIL)
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert path_of(response.headers["Location"]).startswith("/login")
