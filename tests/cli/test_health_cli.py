"""GET /healthz, the `survey` commands that touch the database, and the real migrations."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from survey.cli import cli
from survey.store.database import db
from survey.store.demo import DEMO_EMAIL, DEMO_PARTNERSHIP
from survey.store.models import (
    Answer,
    Facilitator,
    Invitation,
    Partner,
    Partnership,
    Response,
    Round,
)
from tests.helpers import post_form

TABLES = {"facilitator", "partnership", "partner", "round", "invitation", "response", "answer"}


def run(app, *args: str, input: str | None = None):
    """Invoke a `survey` command against this app (its config and database)."""
    return app.test_cli_runner().invoke(cli, list(args), input=input)


# -- /healthz -----------------------------------------------------------------------------


def test_healthz_reports_database_state(app, client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["database"]["dialect"] == backend


def test_healthz_when_the_database_is_unreachable(make_app, tmp_path):
    app = make_app(
        create_tables=False,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}",
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"]["state"] == "unreachable"
    assert "Traceback" not in response.get_data(as_text=True)


# -- create-facilitator -------------------------------------------------------------------


def _facilitator(app, email: str) -> Facilitator | None:
    with app.app_context():
        user = db.session.scalar(select(Facilitator).where(Facilitator.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_facilitator_with_password(app, client):
    result = run(
        app, "create-facilitator", "--email", "Ana@Example.org", "--password", "heron-quartz-123"
    )
    assert result.exit_code == 0, result.output
    assert "Created facilitator ana@example.org" in result.output
    user = _facilitator(app, "ana@example.org")
    assert user is not None and user.active and not user.is_admin
    assert user.password_hash != "heron-quartz-123"
    # The account works on the login page.
    response = post_form(
        client, "/login", {"email": "ana@example.org", "password": "heron-quartz-123"}
    )
    assert response.status_code == 302


def test_create_facilitator_prompts_for_password(app):
    result = run(
        app,
        "create-facilitator",
        "--email",
        "bo@example.org",
        input="heron-quartz-123\nheron-quartz-123\n",
    )
    assert result.exit_code == 0, result.output
    assert "heron-quartz-123" not in result.output  # not echoed
    user = _facilitator(app, "bo@example.org")
    assert user is not None
    with app.app_context():
        assert db.session.get(Facilitator, user.id).check_password("heron-quartz-123")


def test_create_facilitator_prompt_mismatch_asks_again(app):
    result = run(
        app,
        "create-facilitator",
        "--email",
        "cy@example.org",
        input="heron-quartz-123\nheron-quartz-124\nheron-quartz-125\nheron-quartz-125\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(Facilitator).where(Facilitator.email == "cy@example.org"))
        assert user.check_password("heron-quartz-125")


def test_create_facilitator_admin_flag(app):
    result = run(
        app,
        "create-facilitator",
        "--email",
        "root@example.org",
        "--password",
        "heron-quartz-123",
        "--admin",
        "--name",
        "Root",
    )
    assert result.exit_code == 0
    user = _facilitator(app, "root@example.org")
    assert user.is_admin and user.name == "Root"


def test_create_facilitator_duplicate_email(app):
    first = run(
        app, "create-facilitator", "--email", "ana@example.org", "--password", "heron-quartz-123"
    )
    assert first.exit_code == 0
    for email in ["ana@example.org", "ANA@example.org", " ana@example.org "]:
        result = run(
            app, "create-facilitator", "--email", email, "--password", "other-heron-quartz"
        )
        assert result.exit_code != 0, email
        assert "already exists" in result.output
        assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Facilitator.id))) == 1


def test_create_facilitator_bad_input(app):
    for args, message in [
        (["--email", "not-an-email", "--password", "heron-quartz-123"], "is not an email address"),
        (["--email", "@example.org", "--password", "heron-quartz-123"], "is not an email address"),
        (["--email", "a@example.org", "--password", "short"], "at least 8 characters"),
        # Long enough but guessed at once (issue 15, item 5).
        (["--email", "a@example.org", "--password", "aaaaaaaa"], "too easy to guess"),
        (["--email", "a@example.org", "--password", "password"], "too easy to guess"),
        (["--email", "a@example.org", "--password", "12345678"], "too easy to guess"),
        (["--email", "ana.lee@example.org", "--password", "ana.lee2026"], "too easy to guess"),
    ]:
        result = run(app, "create-facilitator", *args)
        assert result.exit_code != 0, args
        assert message in result.output
        assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Facilitator.id))) == 0


def test_create_facilitator_needs_email(app):
    result = run(app, "create-facilitator", "--password", "heron-quartz-123")
    assert result.exit_code == 2
    assert "--email" in result.output


# -- demo ---------------------------------------------------------------------------------

MODELS = (Facilitator, Partnership, Partner, Round, Invitation, Response, Answer)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in MODELS
        }


def test_demo_is_idempotent(app):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert "Demo data created." in first.output
    assert DEMO_EMAIL in first.output
    counts = _counts(app)
    assert counts["facilitator"] == 1 and counts["partnership"] == 1
    assert counts["partner"] == 6 and counts["round"] == 2 and counts["answer"] > 0
    second = run(app, "demo")
    assert second.exit_code == 0
    assert "already there" in second.output
    assert _counts(app) == counts


def test_demo_closed_round_shows_what_the_tool_is_for(app):
    from survey.store.round_scores import round_report

    assert run(app, "demo").exit_code == 0
    with app.app_context():
        partnership = db.session.scalar(
            select(Partnership).where(Partnership.name == DEMO_PARTNERSHIP)
        )
        closed = next(r for r in partnership.rounds if r.status == "closed")
        report = round_report(closed)
    assert report["pino_risk"] != "none"
    rules = {flag["rule"] for flag in report["flags"]}
    assert len(rules) >= 2, rules
    assert report["partnership"]["respondents"] > 0


def test_demo_if_empty_skips_when_accounts_exist(app, make_facilitator):
    make_facilitator(email="someone@example.org")
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0
    assert "demo data not loaded" in result.output
    assert _counts(app)["partnership"] == 0


def test_demo_if_empty_loads_into_an_empty_database(app):
    result = run(app, "demo", "--if-empty")
    assert result.exit_code == 0
    assert "Demo data created." in result.output
    assert _counts(app)["partnership"] == 1
    again = run(app, "demo", "--if-empty")
    assert "demo data not loaded" in again.output


def test_demo_sign_in_works(app, client):
    from survey.store.demo import DEMO_PASSWORD

    run(app, "demo")
    response = post_form(client, "/login", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert DEMO_PARTNERSHIP in page


# -- migrations ---------------------------------------------------------------------------


# Flask-Migrate's generated env.py tries Flask-SQLAlchemy's deprecated get_engine() first (and
# falls back to .engine once it is gone); pyproject turns that warning into an error.
@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
def test_alembic_migration_builds_the_schema(make_app, backend, keep_logging):
    """The real migration (not create_all) on a fresh database: the tables exist, an account
    can be created, and the migration downgrades cleanly."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert tables >= TABLES | {"alembic_version"}
        # The schema the migrations build is the one the models describe: every table (a model
        # added without its migration would break `survey db upgrade` installs), every column.
        assert set(db.metadata.tables) <= tables, set(db.metadata.tables) - tables
        for table in db.metadata.tables:
            migrated = {c["name"] for c in inspect(db.engine).get_columns(table)}
            modelled = {c.name for c in db.metadata.tables[table].columns}
            assert migrated == modelled, table
        uniques = {
            tuple(u["column_names"]) for u in inspect(db.engine).get_unique_constraints("answer")
        }
        assert ("response_id", "question_id") in uniques
    result = run(
        app, "create-facilitator", "--email", "first@example.org", "--password", "heron-quartz-123"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Facilitator.id))) == 1
        db.session.remove()
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names())
        assert not (left & set(db.metadata.tables)), left


def test_given_secret_key_leaves_the_instance_folder_alone(make_app, monkeypatch):
    import survey.web.config

    def no_instance_key(path):
        raise AssertionError(f"read or wrote a secret key in {path}")

    monkeypatch.setattr(survey.web.config, "_secret_key", no_instance_key)
    app = make_app(SECRET_KEY="given-in-test")
    assert app.config["SECRET_KEY"] == "given-in-test"
