"""The floor for the load benchmark: a bare Flask app that runs the respondent's SQL, nothing else.

Each route mirrors one step of the real journey (welcome, start, read a page, save a page,
review, submit, done) with the same statements on the same tables: the invitation and
response look-ups, the response row's conditional UPDATE and the answers' upsert in one
transaction, the conditional submit. No forms, CSRF, sessions, translations or templates.
Served by the same gunicorn configuration, on the same database, with the same engine options
and SQLite pragmas as the app: ``gunicorn -c benchmarks/gunicorn_bench.py
'benchmarks.bare_app:create_app()'``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, request
from sqlalchemy import Connection, create_engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from survey.store.models import Answer, Invitation, Response, new_token, utcnow
from survey.web.app import _tune_sqlite
from survey.web.config import database_url, engine_options

ANSWER = Answer.__table__
RESPONSE = Response.__table__
INVITATION = Invitation.__table__


def create_app() -> Flask:
    url = database_url(Path("instance"))
    engine = create_engine(url, **engine_options(url))
    _tune_sqlite(engine)
    insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
    app = Flask(__name__)

    def invitation(conn: Connection, token: str) -> tuple[int, int, int]:
        row = conn.execute(
            select(INVITATION.c.id, INVITATION.c.round_id, INVITATION.c.partner_id).where(
                INVITATION.c.token == token, INVITATION.c.revoked_at.is_(None)
            )
        ).first()
        if row is None:
            abort(404)
        return row.id, row.round_id, row.partner_id

    def response_id(conn: Connection, resume: str) -> int:
        row = conn.execute(select(RESPONSE.c.id).where(RESPONSE.c.resume_token == resume)).first()
        if row is None:
            abort(404)
        return int(row.id)

    def answer_count(conn: Connection, response: int) -> int:
        return int(conn.scalar(select(func.count()).where(ANSWER.c.response_id == response)) or 0)

    @app.get("/bare/<token>")
    def welcome(token: str) -> str:
        with engine.connect() as conn:
            invitation(conn, token)
        return "welcome"

    @app.post("/bare/<token>/start")
    def start(token: str) -> tuple[str, int]:
        resume = new_token()
        with engine.begin() as conn:
            invitation_id, round_id, partner_id = invitation(conn, token)
            now = utcnow()
            conn.execute(
                RESPONSE.insert().values(
                    round_id=round_id,
                    partner_id=partner_id,
                    invitation_id=invitation_id,
                    resume_token=resume,
                    language="en",
                    source="web",
                    started_at=now,
                    updated_at=now,
                )
            )
        return resume, 201

    @app.get("/bare/s/<resume>/<int:number>")
    @app.get("/bare/s/<resume>/review")
    def read(resume: str, number: int = 0) -> str:
        with engine.connect() as conn:
            answer_count(conn, response_id(conn, resume))
        return "page"

    @app.post("/bare/s/<resume>/<int:number>")
    def save(resume: str, number: int) -> tuple[str, int, dict[str, str]]:
        with engine.begin() as conn:
            response = response_id(conn, resume)
            touched = conn.execute(
                update(RESPONSE)
                .where(RESPONSE.c.id == response, RESPONSE.c.submitted_at.is_(None))
                .values(updated_at=utcnow())
            ).rowcount
            if not touched:
                return "submitted", 409, {}
            rows = [
                {"response_id": response, "question_id": key, "value": value}
                for key, value in request.form.items()
            ]
            statement = insert(ANSWER).values(rows)
            conn.execute(
                statement.on_conflict_do_update(
                    index_elements=[ANSWER.c.response_id, ANSWER.c.question_id],
                    set_={"value": statement.excluded.value},
                )
            )
        return "", 303, {"Location": f"/bare/s/{resume}/{number + 1}"}

    @app.post("/bare/s/<resume>/submit")
    def submit(resume: str) -> tuple[str, int, dict[str, str]]:
        with engine.begin() as conn:
            response = response_id(conn, resume)
            answer_count(conn, response)
            now = utcnow()
            conn.execute(
                update(RESPONSE)
                .where(RESPONSE.c.id == response, RESPONSE.c.submitted_at.is_(None))
                .values(submitted_at=now, updated_at=now)
            )
        return "", 303, {"Location": f"/bare/s/{resume}/done"}

    @app.get("/bare/s/<resume>/done")
    def done(resume: str) -> str:
        with engine.connect() as conn:
            response_id(conn, resume)
        return "done"

    @app.get("/healthz")
    def health() -> str:
        return "ok"

    return app
