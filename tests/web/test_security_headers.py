"""Security headers on every response: every GET route of the URL map as every role, error
pages (400, 404, 405, 413, 429, 500), static assets, exports and PDFs; no-store wherever a
page holds a link token or a partnership's data; cookie flags, Secure in production.
"""

from __future__ import annotations

import pytest

from tests.helpers import csrf_from, get_csrf, post_form
from tests.web.access_policy import (
    FACILITATORS,
    POLICY,
    RESPONDENT_TOKEN,
    ROLES,
    SERVED,
    SYMPOSIUM_JOINED,
    Scene,
    expected,
    unlisted,
)
from tests.web.routes import routes

# Pages that may be kept in a cache: the same for everyone, no data of anyone's.
CACHEABLE = {"static", "dashboard.plotly_js"}


def csp_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def header_problems(response) -> list[str]:
    csp = csp_of(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    problems = []
    if scripts is None:
        problems.append("no script-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts):
        problems.append(f"script-src {scripts}")
    for directive, value in (
        ("frame-ancestors", ["'none'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'none'"]),
    ):
        if csp.get(directive) != value:
            problems.append(f"{directive} {csp.get(directive)}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options")
    if response.headers.get("Referrer-Policy") != "no-referrer":
        problems.append("Referrer-Policy")
    return problems


def assert_headers(response, what: str) -> None:
    problems = header_problems(response)
    assert not problems, f"{what}: {problems}"


def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_get_route_as_every_role_carries_the_headers(app, scene: Scene):
    problems = unlisted(app)
    assert not problems, "\n".join(problems)
    failures, served = [], 0
    for route in routes(app):
        if "GET" not in route.methods:
            continue
        for role in ROLES:
            url = scene.url(route, role)
            response = scene.clients[role].get(url, query_string=scene.query.get(route.endpoint))
            response.close()
            what = f"{role}: GET {url} ({response.status_code})"
            failures += [f"{what}: {p}" for p in header_problems(response)]
            private = route.endpoint not in CACHEABLE and (
                POLICY[route.endpoint] in (RESPONDENT_TOKEN, SYMPOSIUM_JOINED)
                or route.endpoint == "join.code"
                or role in FACILITATORS
            )
            if private and not no_store(response):
                failures.append(f"{what}: Cache-Control {response.headers.get('Cache-Control')}")
            served += expected(route.endpoint, role) == SERVED
    assert not failures, "\n".join(failures)
    assert served >= 60


def test_static_assets_and_scripts_carry_the_headers(client, scene: Scene):
    for url in ("/static/app.css", "/static/app.js", "/static/favicon.svg"):
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        assert_headers(response, url)
    plotly = next(r for r in routes(scene.app) if r.endpoint == "dashboard.plotly_js")
    response = client.get(scene.url(plotly, "anonymous"))
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert_headers(response, "plotly.js")


def test_downloads_and_pdfs_carry_the_headers_and_are_not_cached(scene: Scene):
    owner = scene.clients["owner"]
    round_id = scene.args["round_id"]
    partner_id = scene.args["partner_id"]
    for url in (
        f"/rounds/{round_id}/report.pdf",
        f"/rounds/{round_id}/partners/{partner_id}/report.pdf",
        f"/rounds/{round_id}/export/responses.csv",
        f"/rounds/{round_id}/export/scores.xlsx",
        f"/rounds/{round_id}/import/template.csv",
        f"/api/rounds/{round_id}/scores",
        f"/invitations/{scene.args['invitation_id']}/qr.svg",
    ):
        response = owner.get(url)
        assert response.status_code in (200, 409), (url, response.status_code)
        assert_headers(response, url)
        assert no_store(response), url
    pdf = owner.get(f"/rounds/{round_id}/report.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def test_error_pages_carry_the_headers(make_app, scene: Scene):
    anonymous = scene.clients["anonymous"]
    owner = scene.clients["owner"]
    cases = {
        "404": anonymous.get("/no/such/page"),
        "404 json": anonymous.get("/nope", headers={"Accept": "application/json"}),
        "405": owner.get("/logout"),
        "400 csrf": anonymous.post("/login", data={"email": "x@example.org"}),
        "400 nul": anonymous.get("/login", query_string={"next": "/\x00"}),
        "413": anonymous.post("/login", data={"email": "x" * (6 * 1024 * 1024)}),
        "401 api": anonymous.get(f"/api/rounds/{scene.args['round_id']}/scores"),
    }
    expected_status = {"404": 404, "404 json": 404, "405": 405, "400 csrf": 400, "400 nul": 400}
    expected_status |= {"413": 413, "401 api": 401}
    for name, response in cases.items():
        assert response.status_code == expected_status[name], name
        assert_headers(response, name)

    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://").test_client()
    statuses = [limited.get(f"/r/guess-{i}").status_code for i in range(31)]
    assert statuses[-1] == 429
    response = limited.get("/r/guess-last")
    assert response.status_code == 429
    assert_headers(response, "429")
    assert no_store(response)


def test_a_500_page_carries_the_headers(make_app):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    app.logger.disabled = True  # the traceback is expected; keep the test output quiet
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert_headers(response, "500")


# -- cookies ------------------------------------------------------------------------------


def _cookies(response) -> dict[str, str]:
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        found[name] = header
    return found


def _sign_in_remembered(app, make_facilitator) -> dict[str, str]:
    user = make_facilitator()
    client = app.test_client()
    response = post_form(
        client, "/login", {"email": user.email, "password": user.password, "remember": "y"}
    )
    assert response.status_code == 302
    return _cookies(response)


def _flags(header: str) -> set[str]:
    """The attributes of a Set-Cookie header, lower-cased: {"httponly", "samesite=lax", ...}."""
    return {part.strip().lower() for part in header.split(";")[1:]} | {
        part.strip().split("=")[0].lower() for part in header.split(";")[1:]
    }


def test_session_and_remember_cookies_are_httponly_and_samesite(app, make_facilitator):
    cookies = _sign_in_remembered(app, make_facilitator)
    assert {"session", "remember_token"} <= set(cookies)
    for name in ("session", "remember_token"):
        flags = _flags(cookies[name])
        assert "httponly" in flags, cookies[name]
        assert flags & {"samesite=lax", "samesite=strict"}, cookies[name]
        assert "secure" not in flags, "development serves plain http"


def test_respondent_cookie_is_httponly_and_samesite(client, world):
    get_csrf(client, f"/r/{world.round.token()}")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("SURVEY_ENV", "production")
    # Production needs the public address (issue 15): links never take the Host header's.
    monkeypatch.setenv("BASE_URL", "https://survey.example.org")


def test_production_cookies_are_secure(production, make_app, make_facilitator):
    """SURVEY_ENV=production (README): session and remember cookies only travel over HTTPS."""
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    user = make_facilitator()
    client = app.test_client()
    https = "https://survey.example.org"
    page = client.get("/login", base_url=https)
    response = client.post(
        "/login",
        base_url=https,
        data={
            "email": user.email,
            "password": user.password,
            "remember": "y",
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    cookies = _cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    for name, header in cookies.items():
        assert {"secure", "httponly", "samesite=lax"} <= _flags(header), (name, header)


def test_production_sends_hsts_and_development_does_not(production, make_app, monkeypatch):
    response = make_app().test_client().get("/login", base_url="https://survey.example.org")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setenv("SURVEY_ENV", "development")
    response = make_app().test_client().get("/login")
    assert "Strict-Transport-Security" not in response.headers
