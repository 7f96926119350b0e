"""``GET /healthz`` for load balancers and people: is the app up, and can it reach its database."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey.store.database import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(text("SELECT 1"))
        database = {"state": "ok", "dialect": db.engine.dialect.name}
        status = 200
    except SQLAlchemyError as exc:
        db.session.rollback()
        database = {"state": "unreachable", "error": type(exc).__name__}
        status = 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
