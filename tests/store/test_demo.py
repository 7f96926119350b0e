"""The demo (survey/store/demo.py) looks like a real partnership's data (issue 15, item 18):
round names agree with their dates whatever the day, comments vary and are in the language
of the response that gives them, and loading it twice changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from reports.words import MONTHS
from survey.store.database import db
from survey.store.demo import COMMENTS, load_demo, round_dates
from survey.store.models import Answer, Response, Round


@pytest.mark.parametrize(
    "today", [date(2026, 12, 3), date(2027, 1, 2), date(2027, 6, 30), date(2028, 2, 29)]
)
def test_round_names_agree_with_their_dates(today: date) -> None:
    rounds = round_dates(today)
    assert [status for _name, status, _opens, _closes in rounds] == ["closed", "open"]
    names = [name for name, *_ in rounds]
    assert len(set(names)) == 2
    for name, status, opens, closes in rounds:
        assert name == f"{MONTHS['en'][opens.month - 1]} {opens.year} check-in"
        assert opens < closes
        if status == "closed":
            assert closes < today
        else:
            assert opens <= today <= closes


def test_the_demo_comments_vary_and_speak_their_responses_language(app) -> None:
    with app.app_context():
        created, _message = load_demo(app.config["QUESTIONNAIRES_DIR"])
        assert created
        rows = db.session.execute(
            select(
                Answer.response_id, Answer.question_id, Answer.value, Response.language, Round.id
            )
            .join(Response, Response.id == Answer.response_id)
            .join(Round, Round.id == Response.round_id)
            .where(Answer.question_id.in_(COMMENTS))
        ).all()
    assert len(rows) >= 6
    per_round = Counter((round_id, value) for _r, _q, value, _lang, round_id in rows)
    assert max(per_round.values()) == 1, per_round.most_common(3)
    for _response, question, value, language, _round in rows:
        assert value in COMMENTS[question][language], (language, value)
    assert {language for *_x, language, _round in rows} == {"en", "fr"}


def test_loading_the_demo_twice_adds_nothing(app) -> None:
    with app.app_context():
        assert load_demo(app.config["QUESTIONNAIRES_DIR"])[0]
        before = db.session.scalar(select(func.count(Answer.id)))
        created, message = load_demo(app.config["QUESTIONNAIRES_DIR"])
        assert not created and "already" in message
        assert db.session.scalar(select(func.count(Answer.id))) == before
