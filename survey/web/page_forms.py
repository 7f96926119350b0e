"""WTForms built from one section of an instrument, in the respondent's language.

One handler per question type turns a question into a field with its validators (the
ONS questionnaire-runner's pattern); templates have one partial per type. Stored answers are
strings: an option value, ``na``, ``;``-joined values for multiple choice, or the text typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.validators import Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey.core.answers import AnswerCodec
from survey.core.questionnaire import NA, Question, Questionnaire, Section


class OptionInputs:
    """A choice question's option inputs and labels, written once per form class.

    The markup is the same on every view of a page but for which inputs are ``checked``.
    Writing it in the template escaped and joined some 300 values per page, the largest part
    of a page view's template time (docs/performance.md); here each option is two strings,
    one with ``checked`` and one without, and a page view picks and joins them.
    """

    def __init__(self, input_type: str) -> None:
        self.input_type = input_type
        self._written: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def render(self, field: Field) -> Markup:
        key = (field.id, field.name)
        options = self._written.get(key)
        if options is None:
            options = self._written[key] = self._write(field)
        chosen = (choice.selected for choice in field.iter_choices())
        pairs = zip(chosen, options, strict=True)
        return Markup("".join(checked if on else plain for on, (plain, checked) in pairs))

    def _write(self, field: Field) -> list[tuple[str, str]]:
        required = " required" if field.flags.required else ""
        field_id, name = escape(field.id), escape(field.name)
        options = []
        for index, choice in enumerate(field.iter_choices()):
            value = str(choice.value)
            css = "option option-na" if value == NA else "option"
            head = f'\n        <div class="{css}">\n          <input'
            tail = (
                f' id="{field_id}-{index}" name="{name}"{required} type="{self.input_type}"'
                f' value="{escape(value)}">\n'
                f'          <label for="{field_id}-{index}">{escape(choice.label)}</label>\n'
                "        </div>"
            )
            options.append((head + tail, head + " checked" + tail))
        return options


class _WrittenOptions:
    """A choice field whose options are written by a shared :class:`OptionInputs`."""

    def __init__(self, *args: Any, options: OptionInputs, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options

    def option_inputs(self) -> Markup:
        return self.options.render(self)  # type: ignore[arg-type]


class RadiosField(_WrittenOptions, RadioField):
    pass


class CheckboxesField(_WrittenOptions, SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Answered:
    """Required questions: an answer (``na`` counts, when offered) must be given."""

    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        data = field.data
        if data is None or data == "" or data == [] or (isinstance(data, str) and not data.strip()):
            field.errors[:] = []
            raise StopValidation(_("Answer this question to continue."))


class MayBeBlank:
    """Optional questions: a blank answer is fine, and skips the choice check."""

    field_flags: ClassVar[dict[str, bool]] = {"optional": True}

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data in (None, "", []):
            field.errors[:] = []
            raise StopValidation()


class KnownChoices:
    """The submitted value must be one of the question's options (no tampered values)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        allowed = {str(choice.value) for choice in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(v not in allowed for v in values if v not in (None, "")):
            raise ValidationError(_("Choose one of the options shown."))


def _requirement(question: Question) -> Any:
    return Answered() if question.required else MayBeBlank()


def _choices(q: Questionnaire, question: Question, lang: str) -> list[SelectChoice]:
    choices = [SelectChoice(str(o.value), q.text(o.label, lang)) for o in q.options_of(question)]
    na = q.na_of(question)
    if na is not None:
        choices.append(SelectChoice(NA, q.text(na.label, lang)))
    return choices


def _radio(q: Questionnaire, question: Question, lang: str) -> Field:
    return RadiosField(
        q.text(question.text, lang),
        options=OptionInputs("radio"),
        choices=_choices(q, question, lang),
        validators=[_requirement(question), KnownChoices()],
        validate_choice=False,  # KnownChoices says it in the respondent's language
        description=q.text(question.help, lang),
    )


def _checkboxes(q: Questionnaire, question: Question, lang: str) -> Field:
    return CheckboxesField(
        q.text(question.text, lang),
        options=OptionInputs("checkbox"),
        choices=_choices(q, question, lang),
        validators=[_requirement(question), KnownChoices()],
        validate_choice=False,
        description=q.text(question.help, lang),
    )


def _text(q: Questionnaire, question: Question, lang: str) -> Field:
    return TextAreaField(
        q.text(question.text, lang),
        validators=[
            _requirement(question),
            Length(
                max=question.max_length,
                # Lazy: the class is shared by requests, each shown in its own language.
                message=_l("Keep this answer under %(n)s characters.", n=question.max_length),
            ),
        ],
        description=q.text(question.help, lang),
    )


FIELD_FOR_TYPE: dict[str, Callable[[Questionnaire, Question, str], Field]] = {
    "likert": _radio,
    "single": _radio,
    "multiple": _checkboxes,
    "text": _text,
}


class PageForm(FlaskForm):
    """Base for section forms; fields are added per section by :func:`page_form`."""


_FORM_CLASSES: dict[tuple[str, str, str], type[PageForm]] = {}


def _form_class(q: Questionnaire, section: Section, lang: str) -> type[PageForm]:
    """The form class of a section in a language, made once per instrument text: a class
    is a template for forms (its fields are unbound), so requests can share it."""
    key = (q.sha256, section.id, lang)
    if key not in _FORM_CLASSES:
        fields = {
            question.id: FIELD_FOR_TYPE[question.type](q, question, lang)
            for question in section.questions
        }
        _FORM_CLASSES[key] = type(f"Page_{section.id}", (PageForm,), fields)
    return _FORM_CLASSES[key]


def page_form(
    q: Questionnaire,
    section: Section,
    lang: str,
    stored: Mapping[str, str],
    formdata: Any = None,
) -> PageForm:
    """A form for ``section``, filled from ``formdata`` (a POST) or from the stored answers."""
    form_class = _form_class(q, section, lang)
    initial: dict[str, Any] = {}
    for question in section.questions:
        value = stored.get(question.id)
        if value is None:
            continue
        initial[question.id] = value.split(";") if question.type == "multiple" else value
    if formdata is not None:
        return form_class(formdata=formdata)
    return form_class(formdata=None, data=initial)


def answers_from_form(form: PageForm, section: Section) -> dict[str, str | None]:
    """Stored strings for each question of the page; None where the answer was cleared.

    Only fields without errors are returned, so a bad value is never stored while the valid
    answers beside it are kept.
    """
    values: dict[str, str | None] = {}
    for question in section.questions:
        field = form[question.id]
        if field.errors and not _only_missing(field):
            continue
        values[question.id] = AnswerCodec.from_form(question, field.data)
    return values


def _only_missing(field: Field) -> bool:
    return field.data in (None, "", [])
