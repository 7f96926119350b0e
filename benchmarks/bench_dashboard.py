"""The round dashboard for 40 partners and 400 respondents (goal: under 150 ms of server
time), and the number of SQL queries at 4 and at 40 partners (goal: the same).

Server time is measured in-process through Flask's test client against a real SQLite file,
so it includes routing, queries, scoring, figure building and template rendering, but no
network.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from benchmarks.timing import emit
from survey import create_app
from survey.core.instruments import available
from survey.store.database import db
from survey.store.models import (
    Answer,
    Facilitator,
    Invitation,
    Partner,
    Partnership,
    Response,
    Round,
    utcnow,
)

QUESTIONNAIRES = Path(__file__).resolve().parent.parent / "questionnaires"


def build_round(n_partners: int, respondents: int, seed: int = 1) -> int:
    """A round with ``respondents`` submitted responses spread over ``n_partners``."""
    rng = random.Random(seed)
    q = next(f for f in available(QUESTIONNAIRES) if f.filename == "partnership-health.yaml")
    questionnaire = q.questionnaire
    assert questionnaire is not None
    user = db.session.query(Facilitator).first()
    partnership = Partnership(owner_id=user.id, name=f"Bench {n_partners}")
    db.session.add(partnership)
    db.session.flush()
    partners = [
        Partner(
            partnership_id=partnership.id,
            name=f"Partner {i:02d}",
            lead=i == 0,
            role="collaboration",
            invited=respondents // n_partners + 2,
            position=i,
        )
        for i in range(n_partners)
    ]
    db.session.add_all(partners)
    db.session.flush()
    round_ = Round(
        partnership_id=partnership.id,
        name="Bench round",
        status="open",
        **Round.pinned_instrument(q.filename, questionnaire),
    )
    db.session.add(round_)
    db.session.flush()
    db.session.add_all(Invitation(round_id=round_.id, partner_id=p.id) for p in partners)
    answers = []
    for i in range(respondents):
        response = Response(
            round_id=round_.id, partner_id=partners[i % n_partners].id, submitted_at=utcnow()
        )
        db.session.add(response)
        db.session.flush()
        for question in questionnaire.questions():
            if question.dimension is not None:
                value = "na" if rng.random() < 0.05 else str(rng.randint(1, 5))
            elif question.id == "partner_role":
                value = rng.choice(
                    ["communication", "cooperation", "coordination", "collaboration"]
                )
            elif rng.random() < 0.2:
                value = f"Comment {i}"
            else:
                continue
            answers.append({"response_id": response.id, "question_id": question.id, "value": value})
    db.session.execute(Answer.__table__.insert(), answers)
    db.session.commit()
    return round_.id


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
                "QUEUE_URL": f"sqlite:///{tmp}/queue.db",
            }
        )
        with app.app_context():
            db.create_all()
            user = Facilitator(email="bench@example.org")
            user.set_password("bench-password")
            db.session.add(user)
            db.session.commit()
            small = build_round(4, 40)
            large = build_round(40, 400)
            queries = {"n": 0}

            @event.listens_for(db.engine, "before_cursor_execute")
            def count(*_args: object) -> None:
                queries["n"] += 1

        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": "bench-password"})
        counts = {}
        for name, round_id in (("4_partners", small), ("40_partners", large)):
            queries["n"] = 0
            response = client.get(f"/rounds/{round_id}/dashboard")
            assert response.status_code == 200, response.status_code
            counts[name] = queries["n"]
        timings = []
        for _ in range(15):
            start = time.perf_counter()
            client.get(f"/rounds/{large}/dashboard")
            timings.append((time.perf_counter() - start) * 1000)
        emit("dashboard_ms", statistics.median(timings), "ms")
        emit("dashboard_p95_ms", sorted(timings)[int(0.95 * len(timings)) - 1], "ms")
        emit("dashboard_queries_4_partners", counts["4_partners"], "count")
        emit("dashboard_queries_40_partners", counts["40_partners"], "count")
