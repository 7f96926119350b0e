"""The application factory: configuration, extensions, blueprints, security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, abort, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wsgi import get_host

from survey.store.database import db
from survey.web import assets
from survey.web.config import build_config, check_config, private_dir, private_sqlite_file
from survey.web.extensions import babel, csrf, limiter, login_manager, migrate
from survey.web.ids import MAX_ID
from survey.web.sessions import SessionInterface

MIGRATIONS = Path(__file__).resolve().parents[1] / "store" / "migrations"


def select_locale() -> str:
    """The respondent's response language first, then their choice, then the browser's."""
    languages = ("en", "fr")
    lang = g.get("lang") or session.get("lang")
    if lang in languages:
        return str(lang)
    return request.accept_languages.best_match(languages) or "en"


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: only numbers an id column can hold, so that a URL with a
    20-digit id is a plain 404 instead of an overflow in the database driver (a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class SurveyFlask(Flask):
    """Flask whose external links start with BASE_URL when it is set: the links partners
    receive (invitations, their QR codes, join and resume links) never take their host from
    the request's Host header, which anyone can set (issue 15)."""

    def url_for(self, endpoint: str, *, _external: bool | None = None, **values: Any) -> str:
        base_url = self.config.get("BASE_URL")
        if base_url and (_external or (_external is None and not has_request_context())):
            values.pop("_scheme", None)
            return base_url + super().url_for(endpoint, _external=False, **values)
        return super().url_for(endpoint, _external=_external, **values)


class TrustedHosts:
    """A 400 for a request whose Host (or, behind PROXY_FIX, X-Forwarded-Host) is not one of
    TRUSTED_HOSTS, before Flask sees it: no page, link or redirect is built for that host."""

    def __init__(self, wsgi_app: Any, hosts: list[str]) -> None:
        self.wsgi_app = wsgi_app
        self.hosts = hosts

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            body = b"Bad Request: this server does not answer to that host name.\n"
            start_response(
                "400 Bad Request",
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.wsgi_app(environ, start_response)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    # Static files are served by survey.web.assets (compressed, versioned URLs), not Flask's.
    app = SurveyFlask(__name__, instance_relative_config=True, static_folder=None)
    app.url_map.converters["int"] = IdConverter
    app.session_interface = SessionInterface()
    app.config.update(build_config(Path(app.instance_path), config))
    problems, warnings = check_config(app.config)
    if problems:
        raise RuntimeError("Cannot start:\n  - " + "\n  - ".join(problems))
    for warning in warnings:
        app.logger.warning("WARNING: %s", warning)
    app.config["STARTUP_WARNINGS"] = warnings  # shown to administrators on the accounts page
    private_dir(Path(app.instance_path))
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config.get("PROXY_FIX"):
        # Behind a reverse proxy, rate limits and URLs need the client's address and scheme.
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    if app.config.get("TRUSTED_HOSTS"):
        # Inside ProxyFix's wrapper, so that it sees the host the client asked for.
        inner = app.wsgi_app
        if isinstance(inner, ProxyFix):
            inner.app = TrustedHosts(inner.app, app.config["TRUSTED_HOSTS"])
        else:
            app.wsgi_app = TrustedHosts(inner, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]

    assets.register(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    # Templates get Flask-Login's lazy proxy, not the user it would load before every page:
    # a respondent's pages never look at it (docs/performance.md).
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why on its own

    with app.app_context():
        _tune_sqlite(db.engine)

    # Background work (packs, reports laid out before they are asked for): the queue runs its
    # tasks in this app's context, in `survey worker` processes.
    from survey.web import queue, tasks

    queue.init_app(app)
    tasks.watch_rounds()
    from survey.web import mail

    mail.init_app(app)

    from survey.web import signins

    login_manager.user_loader(signins.load)

    from survey.web.views import (
        auth,
        dashboard,
        errors,
        exports,
        facilitate,
        health,
        paper,
        respond,
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(facilitate.bp)
    app.register_blueprint(respond.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(exports.bp)
    from survey.web.views import reports as printed_reports

    app.register_blueprint(printed_reports.bp)
    app.register_blueprint(paper.bp)

    from survey.web.views import join, symposium

    app.register_blueprint(symposium.bp)
    app.register_blueprint(join.bp)

    from survey.web.views import admin, jobs, personal, roster

    app.register_blueprint(admin.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(personal.bp)
    app.register_blueprint(roster.bp)

    errors.register(app)

    from survey.web.template_helpers import register as register_template_helpers

    register_template_helpers(app)
    app.before_request(_refuse_nul_characters)
    app.before_request(auth.require_new_password)
    app.after_request(_security_headers)
    return app


def _tune_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers (dashboards) run while a partner's page is being saved.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'{style_extra}; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _refuse_nul_characters() -> None:
    """No link or form of ours holds a NUL character, and PostgreSQL cannot even compare text
    that does: such a request is a 400, not a database error (a 500)."""
    texts = [request.path]
    for source in (request.args, request.form):
        for key, values in source.lists():
            texts.append(key)
            texts.extend(values)
    if any("\x00" in text for text in texts):
        abort(400)


def _security_headers(response: Any) -> Any:
    headers = response.headers
    # plotly.js injects its own <style> element; chart pages allow inline *styles* (never
    # inline scripts). See docs/decisions/0004-csp-and-plotly.md.
    style_extra = " 'unsafe-inline'" if getattr(g, "inline_styles", False) else ""
    headers.setdefault("Content-Security-Policy", CSP.format(style_extra=style_extra))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("PRODUCTION"):
        # Production is served over HTTPS (README): browsers must never try plain HTTP again,
        # where a network in between could read the session cookie or rewrite a page.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Respondent URLs carry tokens: never send them to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    # Respondents' and joiners' URLs carry tokens and answers; by blueprint as well as by the
    # views' flag, so that a refusal before the views' hooks run (CSRF, NUL) is covered too.
    if getattr(g, "no_store", False) or request.blueprint in ("respond", "join", "personal"):
        headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in headers and current_user.is_authenticated:
        # A signed-in facilitator's pages show partnerships' answers and names: never keep
        # them in a browser's or a proxy's cache. (Static assets set their own header.)
        headers["Cache-Control"] = "no-store"
    return response
