"""The answer format (survey/core/answers.py): every conversion of an answer, one codec per
instrument. The stored form is what the web form, paper import and demo all write."""

from __future__ import annotations

import pytest

from survey.core.answers import AnswerCodec, codec_for, stored_answers
from survey.core.questionnaire import NA
from tests.core.helpers import instrument as built_instrument

MULTIPLE = """\
      - id: sources
        type: multiple
        text: {en: "Sources?", fr: "Sources?"}
        options:
          - {value: news, label: {en: News, fr: Nouvelles}}
          - {value: radio, label: {en: Radio, fr: Radio}}
          - {value: web, label: {en: Web, fr: Web}}
"""


@pytest.fixture(scope="module")
def q():
    return built_instrument(extra=MULTIPLE)


def test_stored_values_are_the_options_own_values(q):
    codec = codec_for(q)
    questions = q.question_by_id
    assert codec.encode(questions["trust_1"], 4.0) == "4"
    assert codec.encode(questions["trust_1"], "na") == "na"
    assert codec.encode(questions["partner_role"], "cooperation") == "cooperation"
    assert codec.encode(questions["sources"], ("web", "news")) == "news;web"
    assert codec.encode(questions["comments"], "Fine") == "Fine"


@pytest.mark.parametrize(
    ("question", "cell", "expected"),
    [
        ("trust_1", "4", 4.0),
        ("trust_1", " 4.0 ", 4.0),
        ("trust_1", "NA", NA),
        ("partner_role", "cooperation", "cooperation"),
        ("sources", "web; news;web", ("web", "news")),
        ("comments", "  Fine  ", "Fine"),
        ("trust_1", "", None),
    ],
)
def test_a_csv_cell_parses_to_the_score_input(q, question, cell, expected):
    assert codec_for(q).parse_cell(q.question_by_id[question], cell) == (expected, None)


@pytest.mark.parametrize(
    ("question", "cell", "message"),
    [
        ("trust_1", "6", "'6' is not on the scale"),
        ("trust_1", "nan", "'nan' is not on the scale"),
        ("partner_role", "boss", "'boss' is not one of the options"),
        ("sources", "web;tv", "'tv' is not one of the options"),
    ],
)
def test_a_bad_cell_says_why(q, question, cell, message):
    assert codec_for(q).parse_cell(q.question_by_id[question], cell) == (None, message)


def test_every_answer_round_trips_through_its_stored_form(q):
    """Parse a cell, store it, read it back: the same score input, whichever way it came in."""
    codec = codec_for(q)
    cases = {"trust_1": "5", "power_balance_1": "na", "partner_role": "coordination"}
    cases |= {"sources": "news;radio", "comments": "Deux mots"}  # options in their order
    for question_id, cell in cases.items():
        question = q.question_by_id[question_id]
        parsed, error = codec.parse_cell(question, cell)
        assert error is None
        assert codec.decode(question_id, codec.encode(question, parsed)) == parsed


def test_stored_answers_drop_what_the_instrument_no_longer_has(q):
    stored = {"trust_1": "3", "power_balance_1": "9", "gone": "4", "sources": "web;tv"}
    assert stored_answers(q, stored) == {"trust_1": 3.0}


def test_a_form_value_is_stored_as_typed_or_joined(q):
    questions = q.question_by_id
    assert AnswerCodec.from_form(questions["sources"], ["news", "web"]) == "news;web"
    assert AnswerCodec.from_form(questions["sources"], []) is None
    assert AnswerCodec.from_form(questions["comments"], "  hi  ") == "hi"
    assert AnswerCodec.from_form(questions["trust_1"], "4") == "4"
    assert AnswerCodec.from_form(questions["trust_1"], "") is None


def test_exports_show_values_or_labels(q):
    codec = codec_for(q)
    questions = q.question_by_id
    assert codec.export_value(questions["trust_1"], "4") == 4
    assert codec.export_value(questions["sources"], "news; web") == "news;web"
    assert codec.export_value(questions["trust_1"], "7") == "7"  # no longer on the scale: as stored
    assert codec.export_label(questions["trust_1"], "4", "fr") == "F4"
    assert codec.export_label(questions["trust_1"], "na", "en") == "Don't know"
    assert codec.export_label(questions["sources"], "news;web", "fr") == "Nouvelles; Web"


def test_one_codec_per_instrument_text(q):
    assert codec_for(q) is codec_for(q)
    other = built_instrument({"trust": 2, "power_balance": 1})
    assert codec_for(other) is not codec_for(q)
