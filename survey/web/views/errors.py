"""Friendly error pages: nothing a person does should end on a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.store.database import db


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        db.session.rollback()
        return render_template("errors/expired.html"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        db.session.rollback()
        if _wants_json():
            return {"error": error.name, "status": error.code}, error.code
        return render_template("errors/http.html", error=error), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        # Still a 500, but a page that tells the person what to do; the log has the detail.
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render_template("errors/http.html", error=None), 500
