"""Instruments: YAML files loaded into typed, immutable objects, validated in two stages.

Stage one checks structure with pydantic (types, required keys, unknown keys); stage two
checks meaning (duplicate ids, dangling references, missing translations, empty dimensions).
Every problem is reported with its file, line and column. No Flask here: the CLI, the web
app and the report renderer all load instruments through :func:`load_questionnaire`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from survey.core.problems import InputError, Problem
from survey.core.yaml_source import Located, load_yaml

# A text in every declared language: {"en": "...", "fr": "..."}.
Text = dict[str, str]
# Strict: YAML `true` must not quietly become the number 1.
OptionValue = StrictInt | StrictFloat | StrictStr
NA = "na"  # how a "don't know / not applicable" answer is recorded everywhere

Severity = Literal["low", "medium", "high"]
SEVERITY_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}

ROLE_CONTINUUM = ("communication", "cooperation", "coordination", "collaboration")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    value: OptionValue
    label: Text


class NotApplicable(_Model):
    label: Text


class Scale(_Model):
    options: Annotated[list[Option], Field(min_length=2)]
    na: NotApplicable | None = None

    @cached_property
    def numeric_values(self) -> tuple[float, ...]:
        return tuple(float(o.value) for o in self.options)

    @property
    def minimum(self) -> float:
        return min(self.numeric_values)

    @property
    def maximum(self) -> float:
        return max(self.numeric_values)


class Dimension(_Model):
    id: str
    title: Text
    description: Text
    practices: list[Text] = []


class Question(_Model):
    id: str
    type: Literal["likert", "single", "multiple", "text"]
    text: Text
    help: Text | None = None
    required: bool = Field(
        False,
        description="The question must be answered online (`na` counts as an answer); the "
        "paper form's cover says which questions may be left out. Default: its section's "
        "`required`.",
    )
    scale: str | None = None
    options: list[Option] | None = None
    dimension: str | None = None
    reverse: bool = False
    max_length: Annotated[int, Field(ge=1, le=5000)] = 5000


class Section(_Model):
    id: str
    title: Text
    intro: Text | None = None
    # The default of its questions' own `required` (a question that says it wins): one line
    # makes a page of statements required, as the online form and the paper cover then say.
    required: bool = Field(
        False,
        description="The default `required` of this section's questions (a question's own "
        "`required` wins).",
    )
    questions: Annotated[list[Question], Field(min_length=1)]

    @model_validator(mode="after")
    def _questions_inherit_required(self) -> Section:
        if self.required:
            inherited = [
                q if "required" in q.model_fields_set else q.model_copy(update={"required": True})
                for q in self.questions
            ]
            # Frozen model: set once here, while it is being built.
            object.__setattr__(self, "questions", inherited)
        return self


class Bands(_Model):
    """Cut-offs on the 1-5 scale: at or above ``strength`` is a strength, at or above
    ``borderline`` is borderline, below it a concern (Wilder's common reading)."""

    strength: float = 4.0
    borderline: float = 3.0


class Confidence(_Model):
    """When a verdict can be trusted (``docs/scoring.md``): ``insufficient`` when fewer than
    ``min(min_partners, P)`` or fewer than ``min_partner_share`` of the P partners have a
    score; ``indicative`` when a scored partner has fewer than ``min_respondents``
    respondents or the response rate is below ``min_response_rate``; else ``firm``."""

    min_partners: Annotated[int, Field(ge=1)] = 3
    min_partner_share: Annotated[float, Field(ge=0, le=1)] = 0.5
    min_respondents: Annotated[int, Field(ge=1)] = 3
    min_response_rate: Annotated[float, Field(ge=0, le=1)] = 0.6


class _Rule(_Model):
    enabled: bool = True
    recommendation: Text | None = None


class SilentPartnerRule(_Rule):
    severity: Severity = "medium"


Positive = Annotated[float, Field(gt=0)]


class PowerImbalanceRule(_Rule):
    severity: Severity = "high"
    dimension: str = "power_balance"
    below: float = 3.0
    gap: Positive = 1.0


class PerceptionGapRule(_Rule):
    severity: Severity = "medium"
    gap: Positive = 1.0


class RoleMismatchRule(_Rule):
    severity: Severity = "medium"
    question: str = "partner_role"


class DivergentViewsRule(_Rule):
    severity: Severity = "low"
    sd: Positive = 1.0
    min_partners: Annotated[int, Field(ge=2)] = 3


class DominantVoiceRule(_Rule):
    severity: Severity = "medium"
    share: Annotated[float, Field(gt=0, lt=1)] = 0.5
    min_partners: Annotated[int, Field(ge=2)] = 3


class LowScoreRule(_Rule):
    severity: Severity = "medium"


RULE_MODELS: dict[str, type[_Rule]] = {
    "silent-partner": SilentPartnerRule,
    "power-imbalance": PowerImbalanceRule,
    "perception-gap": PerceptionGapRule,
    "role-mismatch": RoleMismatchRule,
    "divergent-views": DivergentViewsRule,
    "dominant-voice": DominantVoiceRule,
    "low-score": LowScoreRule,
}


class Rules(_Model):
    """Risk-rule settings; every rule is on with its default thresholds unless the file says."""

    silent_partner: SilentPartnerRule = Field(SilentPartnerRule(), alias="silent-partner")
    power_imbalance: PowerImbalanceRule = Field(PowerImbalanceRule(), alias="power-imbalance")
    perception_gap: PerceptionGapRule = Field(PerceptionGapRule(), alias="perception-gap")
    role_mismatch: RoleMismatchRule = Field(RoleMismatchRule(), alias="role-mismatch")
    divergent_views: DivergentViewsRule = Field(DivergentViewsRule(), alias="divergent-views")
    dominant_voice: DominantVoiceRule = Field(DominantVoiceRule(), alias="dominant-voice")
    low_score: LowScoreRule = Field(LowScoreRule(), alias="low-score")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, rule_id: str) -> _Rule:
        rule: _Rule = getattr(self, rule_id.replace("-", "_"))
        return rule


class Questionnaire(_Model):
    id: str
    version: str | int | float
    languages: Annotated[list[str], Field(min_length=1)]
    title: Text
    intro: Text
    scales: dict[str, Scale]
    dimensions: Annotated[list[Dimension], Field(min_length=1)]
    sections: Annotated[list[Section], Field(min_length=1)]
    bands: Bands = Bands()
    rules: Rules = Rules()
    confidence: Confidence = Confidence()

    # Set by the loader: the exact text, pinned with each assessment round with its SHA-256.
    _source_text: str = PrivateAttr("")

    @property
    def source_text(self) -> str:
        return self._source_text

    @property
    def default_language(self) -> str:
        return self.languages[0]

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    @cached_property
    def dimension_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}

    @cached_property
    def items_by_dimension(self) -> dict[str, tuple[Question, ...]]:
        """Scored items of each dimension, in questionnaire order."""
        items: dict[str, list[Question]] = {d.id: [] for d in self.dimensions}
        for q in self.questions():
            if q.dimension is not None:
                items[q.dimension].append(q)
        return {d: tuple(qs) for d, qs in items.items()}

    def options_of(self, question: Question) -> list[Option]:
        if question.type == "likert":
            return self.scales[question.scale or ""].options
        return question.options or []

    def na_of(self, question: Question) -> NotApplicable | None:
        if question.type == "likert":
            return self.scales[question.scale or ""].na
        return None

    def text(self, text: Text | None, language: str | None = None) -> str:
        """The text in ``language`` (validation guarantees every declared language exists)."""
        if text is None:
            return ""
        return text.get(language or self.default_language) or text[self.default_language]


# ---------------------------------------------------------------------------------------------
# Loading and validation


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load and validate an instrument file; raise :class:`InputError` listing every problem."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(source, "no such file", "check the path")]) from None
    except OSError as exc:
        raise InputError(
            [Problem(source, f"cannot read the file ({exc.strerror})", "name a readable file")]
        ) from None
    return parse_questionnaire(raw, source)


def parse_questionnaire(text: str | bytes, source: str = "<questionnaire>") -> Questionnaire:
    """Validate instrument text (structure, then meaning) into a :class:`Questionnaire`."""
    located = load_yaml(text, source)
    if not isinstance(located.data, dict):
        raise InputError(
            [
                located.problem(
                    (),
                    "the file must be a mapping with id, version, languages, ...",
                    "start from a file in questionnaires/",
                )
            ]
        )
    problems = list(_check_rule_ids(located))
    data = dict(located.data)
    if problems:  # check the known rules still, so one run reports everything
        data["rules"] = {k: v for k, v in data["rules"].items() if k in RULE_MODELS}
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems.extend(_structure_problems(located, exc))
        raise InputError(problems) from None
    problems.extend(_meaning_problems(located, questionnaire))
    if problems:
        raise InputError(problems)
    questionnaire._source_text = text.decode("utf-8") if isinstance(text, bytes) else text
    return questionnaire


_FIX_BY_TYPE = {
    "missing": "add it",
    "extra_forbidden": "remove it, or check its spelling",
    "dict_type": "write a mapping (key: value lines)",
    "list_type": "write a list (lines starting with '- ')",
    "string_type": "write text",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "float_parsing": "write a number",
    "int_parsing": "write a whole number",
    "literal_error": "use one of the allowed values",
    "too_short": "add at least one entry",
    "model_type": "write a mapping (key: value lines)",
    "int_type": "write a whole number",
    "float_type": "write a number",
}
# Every problem says how to fix it, even for an error type not listed above.
_FIX_FALLBACK = "see `survey schema` for the expected format"


def _structure_problems(located: Located, exc: ValidationError) -> Iterator[Problem]:
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors():
        loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        # Unions (number or text) report one error per branch, each of its own type; one
        # problem per place is enough for a person.
        union = len(loc) < len(error["loc"])
        key = (loc, "union" if union else error["type"])
        if key in seen:
            continue
        seen.add(key)
        name = ".".join(str(p) for p in loc) or "file"
        hint = _FIX_BY_TYPE.get(error["type"], _FIX_FALLBACK)
        if error["type"] == "missing":
            message = f"'{loc[-1]}' is missing" + (
                f" in {'.'.join(str(p) for p in loc[:-1])}" if len(loc) > 1 else ""
            )
        elif union:
            message = f"{name}: should be a number or text"
            hint = "write a number or a piece of text"
        else:
            message = f"{name}: {error['msg']}"
        yield located.problem(loc, message, hint)


def _is_union_tag(part: Any) -> bool:
    # pydantic names union branches in `loc` ("int", "str", "function-after[...]").
    return isinstance(part, str) and (
        part in {"int", "float", "str", "bool"} or "[" in part or part.endswith("-after")
    )


def _check_rule_ids(located: Located) -> Iterator[Problem]:
    rules = located.data.get("rules")
    if rules is None or not isinstance(rules, dict):
        return
    known = ", ".join(RULE_MODELS)
    for rule_id in rules:
        if rule_id not in RULE_MODELS:
            yield located.problem(
                ("rules", rule_id), f"unknown rule type '{rule_id}'", f"use one of: {known}"
            )


def _meaning_problems(located: Located, q: Questionnaire) -> Iterator[Problem]:
    yield from _duplicate_language_problems(located, q)
    yield from _translation_problems(located, located.data, (), set(q.languages))

    dim_ids: dict[str, int] = {}
    for i, dim in enumerate(q.dimensions):
        if dim.id in dim_ids:
            yield located.problem(
                ("dimensions", i, "id"),
                f"duplicate dimension id '{dim.id}' (first at dimensions[{dim_ids[dim.id]}])",
                "give each dimension its own id",
            )
        dim_ids.setdefault(dim.id, i)

    for name, scale in q.scales.items():
        yield from _option_problems(located, ("scales", name, "options"), scale.options)
        for j, option in enumerate(scale.options):
            if isinstance(option.value, str | bool):
                yield located.problem(
                    ("scales", name, "options", j, "value"),
                    f"scale '{name}' has a non-numeric value {option.value!r}",
                    "scale values are numbers (e.g. 1 to 5); use a single-choice question "
                    "for named options",
                )

    section_ids: dict[str, int] = {}
    question_ids: dict[str, tuple[int, int]] = {}
    scored: set[str] = set()
    for s, section in enumerate(q.sections):
        if section.id in section_ids:
            yield located.problem(
                ("sections", s, "id"),
                f"duplicate section id '{section.id}'",
                "give each section its own id",
            )
        section_ids.setdefault(section.id, s)
        for n, question in enumerate(section.questions):
            path = ("sections", s, "questions", n)
            if question.id in question_ids:
                fs, fn = question_ids[question.id]
                yield located.problem(
                    (*path, "id"),
                    f"duplicate question id '{question.id}' (first at sections[{fs}]"
                    f".questions[{fn}])",
                    "give each question its own id; ids are the columns of responses.csv",
                )
            question_ids.setdefault(question.id, (s, n))
            if question.id in {"respondent", "partner"}:
                yield located.problem(
                    (*path, "id"),
                    f"'{question.id}' is reserved for the responses.csv column of that name",
                    "choose another id",
                )
            yield from _question_problems(located, q, question, path, set(dim_ids))
            if question.dimension is not None:
                scored.add(question.dimension)

    for i, dim in enumerate(q.dimensions):
        if dim.id not in scored:
            yield located.problem(
                ("dimensions", i, "id"),
                f"dimension '{dim.id}' has no questions",
                f"add 'dimension: {dim.id}' to at least one likert question, or remove it",
            )

    scored_scales = {qq.scale for qq in q.questions() if qq.dimension is not None}
    for name in sorted(s for s in scored_scales if s in q.scales):
        scale = q.scales[name]
        if isinstance(scale.options[0].value, str):
            continue
        for key in ("borderline", "strength"):
            cut = getattr(q.bands, key)
            if not scale.minimum <= cut <= scale.maximum:
                yield located.problem(
                    ("bands", key),
                    f"bands.{key} ({cut}) is outside scale '{name}' ({scale.minimum:g} to "
                    f"{scale.maximum:g})",
                    "set the cut-offs on the scale that scored questions use",
                )
    if q.bands.borderline >= q.bands.strength:
        yield located.problem(
            ("bands",),
            f"bands.borderline ({q.bands.borderline}) must be below bands.strength "
            f"({q.bands.strength})",
            "e.g. strength: 4.0, borderline: 3.0",
        )

    yield from _rule_reference_problems(located, q, set(dim_ids))


def _duplicate_language_problems(located: Located, q: Questionnaire) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, lang in enumerate(q.languages):
        if lang in seen:
            yield located.problem(
                ("languages", i), f"language '{lang}' is listed twice", "list each language once"
            )
        seen.add(lang)


# Keys whose values are texts that must exist in every declared language.
_TEXT_KEYS = {"title", "intro", "description", "text", "help", "label", "recommendation"}


def _translation_problems(
    located: Located, node: Any, path: tuple[Any, ...], languages: set[str]
) -> Iterator[Problem]:
    if isinstance(node, dict):
        # Under scales: and rules: the keys are names an author chose, never text keys.
        named = path in {("scales",), ("rules",)}
        for key, value in node.items():
            child = (*path, key)
            if named:
                yield from _translation_problems(located, value, child, languages)
                continue
            is_text = key in _TEXT_KEYS or (len(path) >= 1 and path[-1] == "practices")
            if key in _TEXT_KEYS and isinstance(value, dict):
                yield from _one_text(located, value, child, languages)
            elif not is_text:
                yield from _translation_problems(located, value, child, languages)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            child = (*path, i)
            if path and path[-1] == "practices" and isinstance(value, dict):
                yield from _one_text(located, value, child, languages)
            else:
                yield from _translation_problems(located, value, child, languages)


def _one_text(
    located: Located, text: dict[Any, Any], path: tuple[Any, ...], languages: set[str]
) -> Iterator[Problem]:
    for lang in sorted(languages - set(text)):
        yield located.problem(
            path,
            f"missing the '{lang}' translation",
            f"add a line '{lang}: ...' under {'.'.join(str(p) for p in path)}",
        )
    for lang in sorted(set(text) - languages):
        yield located.problem(
            (*path, lang),
            f"text in '{lang}', which is not in 'languages'",
            f"add '{lang}' to languages, or remove this line",
        )
    for lang, value in text.items():
        if lang in languages and (not isinstance(value, str) or not value.strip()):
            yield located.problem((*path, lang), f"the '{lang}' text is empty", "write the text")


def _option_problems(
    located: Located, path: tuple[Any, ...], options: list[Option]
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for j, option in enumerate(options):
        key = str(option.value)
        if key in seen:
            yield located.problem(
                (*path, j, "value"),
                f"duplicate option value {option.value!r} (also options[{seen[key]}])",
                "give each option its own value",
            )
        if key == NA:
            yield located.problem(
                (*path, j, "value"),
                f"'{NA}' is reserved for 'don't know / not applicable'",
                "declare it with 'na:' on the scale instead",
            )
        if isinstance(option.value, str) and (";" in key or not key.strip()):
            yield located.problem(
                (*path, j, "value"),
                f"option value {option.value!r} is empty or holds ';'",
                "';' separates the choices of a multiple-choice answer in CSV files",
            )
        seen.setdefault(key, j)


def _question_problems(
    located: Located,
    q: Questionnaire,
    question: Question,
    path: tuple[Any, ...],
    dimension_ids: set[str],
) -> Iterator[Problem]:
    if question.type == "likert":
        if question.scale is None:
            yield located.problem(
                path,
                f"likert question '{question.id}' has no scale",
                f"add 'scale:' with one of: {', '.join(q.scales) or '(declare a scale first)'}",
            )
        elif question.scale not in q.scales:
            yield located.problem(
                (*path, "scale"),
                f"unknown scale '{question.scale}'",
                f"use one of: {', '.join(q.scales) or '(declare it under scales:)'}",
            )
        if question.options is not None:
            yield located.problem(
                (*path, "options"),
                "a likert question takes its options from its scale",
                "remove 'options:' or make the question type single",
            )
    elif question.type in {"single", "multiple"}:
        if not question.options:
            yield located.problem(
                path,
                f"{question.type}-choice question '{question.id}' has no options",
                "add 'options:' with a value and a label for each choice",
            )
        else:
            yield from _option_problems(located, (*path, "options"), question.options)
        if question.scale is not None:
            yield located.problem(
                (*path, "scale"),
                "only likert questions use a scale",
                "remove 'scale:' or make the question type likert",
            )
    elif question.scale is not None or question.options is not None:
        yield located.problem(
            path, "a text question has no scale or options", "remove 'scale:' and 'options:'"
        )

    if question.dimension is not None:
        if question.type != "likert":
            yield located.problem(
                (*path, "dimension"),
                f"only likert questions are scored, but '{question.id}' is {question.type}",
                "remove 'dimension:' or make the question likert",
            )
        elif question.dimension not in dimension_ids:
            yield located.problem(
                (*path, "dimension"),
                f"unknown dimension '{question.dimension}'",
                f"use one of: {', '.join(sorted(dimension_ids))}",
            )
    elif question.reverse:
        yield located.problem(
            (*path, "reverse"),
            "'reverse: true' on a question that is not scored",
            "add 'dimension:' or remove 'reverse:'",
        )


def _rule_reference_problems(
    located: Located, q: Questionnaire, dimension_ids: set[str]
) -> Iterator[Problem]:
    power = q.rules.power_imbalance
    if power.enabled and power.dimension not in dimension_ids:
        yield located.problem(
            ("rules", "power-imbalance", "dimension"),
            f"rule power-imbalance looks at dimension '{power.dimension}', which is not declared",
            "set rules.power-imbalance.dimension to a declared dimension, or 'enabled: false'",
        )
    role = q.rules.role_mismatch
    if role.enabled:
        question = q.question_by_id.get(role.question)
        if question is None:
            # Only an error when the author named the question; the default may be absent.
            if "role-mismatch" in (located.data.get("rules") or {}):
                yield located.problem(
                    ("rules", "role-mismatch", "question"),
                    f"rule role-mismatch reads question '{role.question}', which does not exist",
                    "name a single-choice question whose values are the role continuum",
                )
        elif question.type != "single" or {str(o.value) for o in question.options or []} - set(
            ROLE_CONTINUUM
        ):
            yield located.problem(
                ("rules", "role-mismatch", "question"),
                f"question '{role.question}' must be single choice with values among "
                f"{', '.join(ROLE_CONTINUUM)}",
                "fix the question's options or point the rule at another question",
            )
