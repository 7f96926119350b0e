"""The answer format: every conversion of an answer, in one place.

An answer has four forms:

* **stored**: the string kept in the database, one per question (``"4"``, ``"na"``,
  ``"news;web"``, the text typed). The web form, paper import and demo all write this form, so
  that every answer scores alike whichever way it came in.
* **form value**: what a page's fields hold (a string, or a list for multiple choice).
* **CSV cell**: what `survey score` and paper import read (``4``, ``4.0``, ``na``, ``a;b``).
* **score input**: what scoring takes (a float for a likert point, ``"na"``, an option value,
  a tuple of option values, the text).

An ``AnswerCodec`` holds the lookup tables of one instrument, built once per instrument text
(``codec_for``): dashboards decode tens of thousands of stored answers per request, and a dict
look-up per answer keeps that to a few milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from survey.core.questionnaire import NA, Option, Question, Questionnaire

# Values no longer on the instrument's scale (an edited file) decode to nothing: the answer is
# dropped from scores rather than guessed at.
_UNKNOWN = object()


class AnswerCodec:
    """The conversions of one instrument's answers (see the module's docstring)."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.questions: dict[str, Question] = {q.id: q for q in questionnaire.questions()}
        # Per choice question: option by its stored string, and the score input it stands for.
        self._options: dict[str, dict[str, Option]] = {}
        self._decoded: dict[str, dict[str, Any]] = {}
        for question in self.questions.values():
            if question.type == "text":
                continue
            options = questionnaire.options_of(question)
            self._options[question.id] = {str(o.value): o for o in options}
            if question.type in {"likert", "single"}:
                table: dict[str, Any] = {
                    str(o.value): float(o.value) if question.type == "likert" else o.value
                    for o in options
                }
                if questionnaire.na_of(question) is not None:
                    table[NA] = NA
                self._decoded[question.id] = table

    # -- CSV cell -> score input ----------------------------------------------------------

    def parse_cell(self, question: Question, text: str) -> tuple[Any, str | None]:
        """A CSV cell as the answer it stands for, or an error message.

        Returns ``(value, None)`` or ``(None, message)``. Blank is None; likert answers are
        numbers or ``"na"``; multiple-choice answers are tuples of option values.
        """
        text = text.strip()
        if not text:
            return None, None
        if question.type == "text":
            if len(text) > question.max_length:
                return None, f"{len(text)} characters, over the limit of {question.max_length}"
            return text, None
        by_text = self._options[question.id]
        if question.type == "likert":
            if text.lower() == NA and self.questionnaire.na_of(question) is not None:
                return NA, None
            option = self._likert_option(question, text)
            if option is None:
                return None, f"'{text}' is not on the scale"
            return float(option.value), None
        if question.type == "single":
            if text in by_text:
                return by_text[text].value, None
            return None, f"'{text}' is not one of the options"
        chosen = _parts(text)
        unknown = [c for c in chosen if c not in by_text]
        if unknown:
            return None, f"'{unknown[0]}' is not one of the options"
        return tuple(dict.fromkeys(by_text[c].value for c in chosen)), None

    def choices_text(self, question: Question) -> str:
        """The values a cell may hold, for an error message's hint."""
        values = list(self._options.get(question.id, {}))
        if self.questionnaire.na_of(question) is not None:
            values.append(NA)
        return ", ".join(values)

    # -- score input -> stored ------------------------------------------------------------

    def encode(self, question: Question, value: Any) -> str:
        """A parsed answer as the string the web form stores for it: the option's own value
        (``4``, not ``4.0``), ``na``, or ``;``-joined values in option order."""
        if question.type == "text":
            return str(value)
        if value == NA:
            return NA
        options = self._options[question.id].values()
        if question.type == "likert":
            return next(str(o.value) for o in options if float(o.value) == value)
        if question.type == "multiple":
            chosen = set(value)
            return ";".join(str(o.value) for o in options if o.value in chosen)
        return str(value)

    # -- form value -> stored -------------------------------------------------------------

    @staticmethod
    def from_form(question: Question, data: Any) -> str | None:
        """A page field's value as stored; None where the answer was cleared."""
        if question.type == "multiple":
            return ";".join(data) if data else None
        if isinstance(data, str) and data.strip():
            return data.strip() if question.type == "text" else data
        return None

    # -- stored -> score input ------------------------------------------------------------

    def decode(self, question_id: str, stored: str) -> Any:
        """A stored string as a score input; None for a question or value the instrument no
        longer has."""
        table = self._decoded.get(question_id)
        if table is not None:  # likert and single choice: a plain look-up
            return table.get(stored)
        question = self.questions.get(question_id)
        if question is None:
            return None
        parsed, error = self.parse_cell(question, stored)
        return None if error is not None else parsed

    def decode_all(self, stored: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Stored (question, value) pairs as score inputs; values no longer valid are dropped."""
        answers: dict[str, Any] = {}
        tables = self._decoded
        for question_id, value in stored:
            # The look-up inline: this loop runs once per stored answer of a whole round.
            table = tables.get(question_id)
            parsed = table.get(value) if table is not None else self.decode(question_id, value)
            if parsed is not None:
                answers[question_id] = parsed
        return answers

    # -- stored -> export -----------------------------------------------------------------

    def export_value(self, question: Question, stored: str | None) -> Any:
        """A stored answer as exported: numbers for numeric options, ``na``, ``;``-joined values
        for multiple choice, the text typed. Values no longer in the instrument stay as stored."""
        if stored is None or not stored.strip():
            return None
        text = stored.strip()
        if question.type == "text":
            return stored
        if question.type == "multiple":
            return ";".join(_parts(text))
        if question.type == "likert" and text.lower() == NA:
            return NA
        option = self._stored_option(question, text)
        return option.value if option is not None else text

    def export_label(self, question: Question, stored: str | None, language: str) -> Any:
        """A stored answer as its option label(s) in ``language``; text answers as typed."""
        if stored is None or not stored.strip():
            return None
        text = stored.strip()
        if question.type == "text":
            return stored
        label = self.questionnaire.text
        if question.type == "multiple":
            by_value = self._options[question.id]
            return "; ".join(
                label(by_value[p].label, language) if p in by_value else p for p in _parts(text)
            )
        if question.type == "likert" and text.lower() == NA:
            na = self.questionnaire.na_of(question)
            return label(na.label, language) if na is not None else NA
        option = self._stored_option(question, text)
        return label(option.label, language) if option is not None else text

    # -- options --------------------------------------------------------------------------

    def _stored_option(self, question: Question, text: str) -> Option | None:
        if question.type == "likert":
            return self._likert_option(question, text)
        return self._options[question.id].get(text)

    def _likert_option(self, question: Question, text: str) -> Option | None:
        """The scale point a number stands for, written as ``4``, ``4.0`` or `` 4 ``."""
        found = self._options[question.id].get(text)
        if found is not None:
            return found
        try:
            number = float(text)
        except ValueError:
            return None
        if math.isnan(number):
            return None
        return next(
            (o for o in self._options[question.id].values() if float(o.value) == number), None
        )


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


_CODECS: dict[str, AnswerCodec] = {}


def codec_for(questionnaire: Questionnaire) -> AnswerCodec:
    """The instrument's codec, built once per instrument text (keyed by its SHA-256)."""
    codec = _CODECS.get(questionnaire.sha256)
    if codec is None or codec.questionnaire is not questionnaire:
        if len(_CODECS) >= 64:  # as many instruments as the parse cache keeps; the oldest goes
            del _CODECS[next(iter(_CODECS))]
        codec = _CODECS[questionnaire.sha256] = AnswerCodec(questionnaire)
    return codec


def stored_answers(questionnaire: Questionnaire, stored: Mapping[str, str]) -> dict[str, Any]:
    """A response's stored strings (question id -> value) as score inputs."""
    return codec_for(questionnaire).decode_all(stored.items())


__all__: Sequence[str] = ("AnswerCodec", "codec_for", "stored_answers")
