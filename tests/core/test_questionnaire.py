"""Loading instruments: the valid fixture, and one small broken file per validation error.

Each broken fixture in ``tests/fixtures/invalid/`` is ``tiny.yaml`` with one thing broken;
the tests pin the exact line (and column) the problem is reported at, a key phrase of the
message, and that a fix hint follows the ``—``.
"""

from __future__ import annotations

import hashlib
import time

import pytest

from survey.core.problems import InputError, Problem
from survey.core.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire
from survey.core.yaml_source import MAX_BYTES
from tests.core.helpers import INVALID, TINY


def problems_of(name: str) -> list[Problem]:
    path = INVALID / name
    with pytest.raises(InputError) as caught:
        load_questionnaire(path)
    problems = caught.value.problems
    assert problems, "an InputError always carries at least one problem"
    for problem in problems:
        assert problem.source == str(path)
        assert problem.hint.strip(), f"no fix hint: {problem}"
        assert " — " in str(problem)
    return problems


def only_problem(name: str) -> Problem:
    problems = problems_of(name)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return problems[0]


# ---------------------------------------------------------------------------------------------
# The valid instrument


def test_tiny_loads_with_its_structure() -> None:
    q = load_questionnaire(TINY)
    assert isinstance(q, Questionnaire)
    assert q.id == "tiny"
    assert q.version == "1"
    assert q.languages == ["en", "fr"]
    assert q.default_language == "en"
    assert [d.id for d in q.dimensions] == ["trust", "power_balance"]
    assert [x.id for x in q.questions()] == ["t1", "t2", "p1", "partner_role", "works"]
    assert {d: [i.id for i in items] for d, items in q.items_by_dimension.items()} == {
        "trust": ["t1", "t2"],
        "power_balance": ["p1"],
    }
    assert q.question_by_id["t2"].reverse is True
    assert q.question_by_id["t1"].required is True
    scale = q.scales["agree"]
    assert (scale.minimum, scale.maximum) == (1.0, 5.0)
    assert scale.na is not None
    # Defaults when the file says nothing about bands or rules.
    assert (q.bands.strength, q.bands.borderline) == (4.0, 3.0)
    assert q.rules.perception_gap.enabled and q.rules.perception_gap.gap == 1.0


def test_tiny_texts_in_both_languages() -> None:
    q = load_questionnaire(TINY)
    assert q.text(q.title) == "Tiny"
    assert q.text(q.title, "fr") == "Petit"
    assert q.text(q.dimension_by_id["power_balance"].title, "fr") == "Équilibre des pouvoirs"
    # An undeclared language falls back to the default one.
    assert q.text(q.title, "de") == "Tiny"


def test_source_text_and_sha256_are_the_exact_file() -> None:
    raw = TINY.read_bytes()
    q = load_questionnaire(TINY)
    assert q.source_text == raw.decode("utf-8")
    assert q.sha256 == hashlib.sha256(raw).hexdigest()


def test_parse_accepts_str_and_bytes_alike() -> None:
    text = TINY.read_text(encoding="utf-8")
    assert parse_questionnaire(text).sha256 == parse_questionnaire(text.encode()).sha256


def test_loaded_questionnaire_is_immutable() -> None:
    q = load_questionnaire(TINY)
    with pytest.raises(Exception, match="frozen"):
        q.id = "other"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Meaning (stage two): ids, references, translations


def test_duplicate_question_id() -> None:
    p = only_problem("duplicate_question_id.yaml")
    # Line 30 is `      - {id: t1, ...}`; the `id` key starts at column 10.
    assert (p.line, p.column) == (30, 10)
    assert "duplicate question id 't1'" in p.message
    assert "sections[0].questions[0]" in p.message  # where the first one is
    assert "own id" in p.hint


def test_duplicate_dimension_id() -> None:
    p = only_problem("duplicate_dimension_id.yaml")
    # The second `- id: trust` is on line 24, its `id` key at column 5.
    assert (p.line, p.column) == (24, 5)
    assert "duplicate dimension id 'trust'" in p.message
    assert "dimensions[0]" in p.message


def test_unknown_scale() -> None:
    p = only_problem("unknown_scale.yaml")
    # `scale:` of t2 on line 29: `      - {id: t2, type: likert, scale: ...` -> column 32.
    assert (p.line, p.column) == (29, 32)
    assert "unknown scale 'agreed'" in p.message
    assert "agree" in p.hint  # names the scales that exist


def test_unknown_dimension() -> None:
    p = only_problem("unknown_dimension.yaml")
    assert (p.line, p.column) == (29, 46)
    assert "unknown dimension 'trusst'" in p.message
    assert "power_balance, trust" in p.hint


def test_missing_translation() -> None:
    p = only_problem("missing_translation.yaml")
    # `    description: {en: ...}` on line 18 lacks its `fr:` line.
    assert (p.line, p.column) == (18, 5)
    assert "missing the 'fr' translation" in p.message
    assert "dimensions.0.description" in p.hint


def test_text_in_undeclared_language() -> None:
    p = only_problem("undeclared_language.yaml")
    # `    title: {en: Trust, fr: Confiance, de: Vertrauen}`: `de` at column 39 of line 17.
    assert (p.line, p.column) == (17, 39)
    assert "text in 'de', which is not in 'languages'" in p.message
    assert "add 'de' to languages" in p.hint


def test_dimension_with_no_questions() -> None:
    p = only_problem("dimension_without_questions.yaml")
    assert (p.line, p.column) == (24, 5)
    assert "dimension 'leadership' has no questions" in p.message
    assert "dimension: leadership" in p.hint


def test_duplicate_option_values() -> None:
    p = only_problem("duplicate_option_values.yaml")
    # Line 10: `      - {value: 1, ...}`; `value` at column 10.
    assert (p.line, p.column) == (10, 10)
    assert "duplicate option value 1" in p.message
    assert "options[0]" in p.message


def test_unknown_rule_type() -> None:
    p = only_problem("unknown_rule_type.yaml")
    # `rules:` is line 40, `  silent-partners: ...` line 41 column 3.
    assert (p.line, p.column) == (41, 3)
    assert "unknown rule type 'silent-partners'" in p.message
    assert "silent-partner" in p.hint


def test_likert_without_scale() -> None:
    p = only_problem("likert_without_scale.yaml")
    # The question itself (its `{` at column 9 of line 28): there is no `scale:` to point at.
    assert (p.line, p.column) == (28, 9)
    assert "likert question 't1' has no scale" in p.message
    assert "scale:" in p.hint and "agree" in p.hint


def test_dimension_on_a_non_likert_question() -> None:
    p = only_problem("dimension_on_non_likert.yaml")
    # Line 39: `      - {id: works, type: text, dimension: trust, ...`; `dimension` at column 33.
    assert (p.line, p.column) == (39, 33)
    assert "only likert questions are scored" in p.message
    assert "'works' is text" in p.message


def test_reverse_on_an_unscored_question() -> None:
    p = only_problem("reverse_on_unscored.yaml")
    assert (p.line, p.column) == (39, 33)
    assert "'reverse: true' on a question that is not scored" in p.message


def test_bands_out_of_order() -> None:
    p = only_problem("bands_out_of_order.yaml")
    # `bands:` at line 40, column 1.
    assert (p.line, p.column) == (40, 1)
    assert "bands.borderline (4.0) must be below bands.strength (3.0)" in p.message
    assert "strength: 4.0" in p.hint


# ---------------------------------------------------------------------------------------------
# Structure (stage one): keys and types


def test_unknown_key_typo() -> None:
    p = only_problem("unknown_key.yaml")
    # `revers: true` on line 29, column 64.
    assert (p.line, p.column) == (29, 64)
    assert "revers" in p.message
    assert "Extra inputs are not permitted" in p.message
    assert "check its spelling" in p.hint


def test_wrong_type() -> None:
    p = only_problem("wrong_type.yaml")
    # `required: maybe` on line 28, column 64.
    assert (p.line, p.column) == (28, 64)
    assert "sections.0.questions.0.required" in p.message
    assert "valid boolean" in p.message
    assert p.hint == "write true or false"


def test_missing_required_key() -> None:
    p = only_problem("missing_required_key.yaml")
    # Section s1 (its mapping starts at line 25, column 5) has no `title:`.
    assert (p.line, p.column) == (25, 5)
    assert "'title' is missing in sections.0" in p.message
    assert p.hint == "add it"


def test_number_or_text_union_is_one_problem() -> None:
    """`version` is text or a number: a list there is one problem, not one per branch."""
    text = TINY.read_text(encoding="utf-8").replace('version: "1"', "version: [1]")
    with pytest.raises(InputError) as caught:
        parse_questionnaire(text, "v.yaml")
    [p] = caught.value.problems
    assert (p.line, p.column) == (2, 1)
    assert "version" in p.message and "number or text" in p.message
    assert p.hint


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(InputError) as caught:
        parse_questionnaire("- a\n- b\n", "list.yaml")
    [p] = caught.value.problems
    assert (p.line, p.column) == (1, 1)
    assert "must be a mapping" in p.message
    assert p.hint


# ---------------------------------------------------------------------------------------------
# Safety and file-level problems


def test_syntax_error() -> None:
    p = only_problem("syntax_error.yaml")
    # `title: Tiny: Petit` on line 4: the second `:` is at column 12.
    assert (p.line, p.column) == (4, 12)
    assert "mapping values are not allowed here" in p.message
    assert "YAML syntax" in p.hint


def test_duplicate_key_is_refused_not_silently_replaced() -> None:
    p = only_problem("duplicate_key.yaml")
    # `id: tiny` on line 1, then `id: tiny-again` on line 3: YAML would keep the second.
    assert (p.line, p.column) == (3, 1)
    assert "'id' appears twice" in p.message and "line 1" in p.message
    assert "keep one" in p.hint


def test_python_tag_is_refused() -> None:
    p = only_problem("python_tag.yaml")
    # `version: !!python/object/apply:os.system [...]`: the tag starts at column 10 of line 2.
    assert (p.line, p.column) == (2, 10)
    assert "python/object" in p.message
    assert "remove custom tags" in p.hint


def test_python_object_tag_never_runs(tmp_path) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "evil.yaml"
    path.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_questionnaire(path)
    assert "python/object" in caught.value.problems[0].message
    assert not marker.exists()


def test_alias_bomb_is_refused() -> None:
    p = only_problem("billion_laughs.yaml")
    # Nine levels of nine aliases expand to 9**9 values; refused before construction.
    assert (p.line, p.column) == (1, 1)
    assert "anchors and aliases expand to more than 200,000 values" in p.message
    assert "write the values out" in p.hint


def test_file_over_one_megabyte_is_refused(tmp_path) -> None:
    path = tmp_path / "huge.yaml"
    filler = "# " + "x" * 98 + "\n"  # 101 bytes a line, all comments
    path.write_text(TINY.read_text(encoding="utf-8") + filler * (MAX_BYTES // 100), "utf-8")
    size = path.stat().st_size
    assert size > MAX_BYTES
    with pytest.raises(InputError) as caught:
        load_questionnaire(path)
    [p] = caught.value.problems
    assert p.line is None  # a whole-file problem
    assert f"file is {size:,} bytes, over the 1,000,000-byte limit" in p.message
    assert p.hint


@pytest.mark.parametrize("shape", ["comments", "one long string", "many keys"])
def test_ten_megabyte_file_is_refused_quickly_without_parsing(tmp_path, shape) -> None:
    """A 10 MB instrument (a pasted export, an attack) is refused on its size, before the
    YAML parser spends time or memory on it."""
    ten_mb = 10 * 1024 * 1024
    text = {
        "comments": "# " + "x" * 98 + "\n",
        "one long string": 'intro: "' + "x" * 1000,
        "many keys": "k0000000: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]\n",
    }[shape]
    path = tmp_path / "ten.yaml"
    path.write_text(text * (ten_mb // len(text) + 1), "utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_questionnaire(path)
    assert time.perf_counter() - started < 2.0
    [p] = caught.value.problems
    assert "over the 1,000,000-byte limit" in p.message
    assert p.hint


def test_file_of_exactly_one_megabyte_is_read(tmp_path) -> None:
    text = TINY.read_text(encoding="utf-8")
    padding = MAX_BYTES - len(text.encode("utf-8"))
    path = tmp_path / "big.yaml"
    path.write_text(text + "#" * (padding - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES
    assert load_questionnaire(path).id == "tiny"


def test_empty_file() -> None:
    p = only_problem("empty.yaml")
    assert p.line is None
    assert "the file is empty" in p.message
    assert "questionnaires/" in p.hint


def test_file_of_only_comments_is_empty() -> None:
    with pytest.raises(InputError) as caught:
        parse_questionnaire("# nothing here\n", "c.yaml")
    assert "the file is empty" in caught.value.problems[0].message


def test_missing_file(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        load_questionnaire(tmp_path / "nope.yaml")
    [p] = caught.value.problems
    assert p.message == "no such file"
    assert p.hint


def test_not_utf8() -> None:
    with pytest.raises(InputError) as caught:
        parse_questionnaire("title: caf\xe9\n".encode("latin-1"), "l.yaml")
    [p] = caught.value.problems
    assert "not UTF-8" in p.message
    assert "UTF-8" in p.hint


# ---------------------------------------------------------------------------------------------
# Every problem in one run


def test_several_problems_are_all_reported() -> None:
    problems = problems_of("several_problems.yaml")
    found = {(p.line, p.column): p.message for p in problems}
    assert len(problems) == 4
    assert "duplicate option value 1" in found[(10, 10)]
    assert "text in 'de'" in found[(17, 39)]
    assert "unknown scale 'agreed'" in found[(29, 32)]
    assert "duplicate question id 't1'" in found[(30, 10)]


def test_several_structure_problems_are_all_reported() -> None:
    text = (
        TINY.read_text(encoding="utf-8")
        .replace("required: true", "required: maybe")  # line 28
        .replace("reverse: true", "revers: true")  # line 29
        .replace("languages: [en, fr]", "languages: en")  # line 3
    )
    with pytest.raises(InputError) as caught:
        parse_questionnaire(text, "s.yaml")
    lines = sorted(p.line for p in caught.value.problems if p.line is not None)
    assert lines == [3, 28, 29]
    assert all(p.hint for p in caught.value.problems)


def test_unknown_rule_is_reported_with_structure_problems() -> None:
    text = (
        TINY.read_text(encoding="utf-8").replace("required: true", "required: maybe")
        + "rules:\n  silent-partners: {enabled: false}\n"
    )
    with pytest.raises(InputError) as caught:
        parse_questionnaire(text, "r.yaml")
    assert sorted(p.line for p in caught.value.problems) == [28, 41]


def test_input_error_text_lists_every_problem() -> None:
    with pytest.raises(InputError) as caught:
        load_questionnaire(INVALID / "several_problems.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 4
    assert all(line.startswith(str(INVALID / "several_problems.yaml") + ":") for line in lines)


# ---------------------------------------------------------------------------------------------
# Rules block


def test_rules_block_sets_thresholds_and_switches() -> None:
    text = TINY.read_text(encoding="utf-8") + (
        "rules:\n  perception-gap: {gap: 1.5, severity: high}\n  dominant-voice: {enabled: false}\n"
    )
    q = parse_questionnaire(text, "r.yaml")
    assert q.rules.perception_gap.gap == 1.5
    assert q.rules.perception_gap.severity == "high"
    assert q.rules.dominant_voice.enabled is False
    assert q.rules.get("divergent-views").enabled is True


def test_rule_pointing_at_undeclared_dimension() -> None:
    text = TINY.read_text(encoding="utf-8") + "rules:\n  power-imbalance: {dimension: voice}\n"
    with pytest.raises(InputError) as caught:
        parse_questionnaire(text, "r.yaml")
    [p] = caught.value.problems
    assert (p.line, p.column) == (41, 21)
    assert "dimension 'voice', which is not declared" in p.message
    assert "enabled: false" in p.hint


def test_unknown_severity() -> None:
    text = TINY.read_text(encoding="utf-8") + "rules:\n  low-score: {severity: urgent}\n"
    with pytest.raises(InputError) as caught:
        parse_questionnaire(text, "r.yaml")
    [p] = caught.value.problems
    assert (p.line, p.column) == (41, 15)
    assert "rules.low-score.severity" in p.message
    assert p.hint == "use one of the allowed values"


# ---------------------------------------------------------------------------------------------
# `required` on a section (issue 15, item 12)


def test_a_section_sets_the_default_of_its_questions_required() -> None:
    text = TINY.read_text(encoding="utf-8").replace(
        "  - id: s1\n    title: {en: One, fr: Un}\n",
        "  - id: s1\n    title: {en: One, fr: Un}\n    required: true\n",
    )
    assert text != TINY.read_text(encoding="utf-8")
    q = parse_questionnaire(
        text.replace("{id: works, type: text,", "{id: works, type: text, required: false,"),
        "tiny.yaml",
    )
    required = {x.id: x.required for x in q.questions()}
    # Every question without a `required` of its own follows its section; `works` says false.
    assert required == {"t1": True, "t2": True, "p1": True, "partner_role": True, "works": False}
    assert q.sections[0].required is True


def test_without_required_on_the_section_questions_stay_optional() -> None:
    q = load_questionnaire(TINY)
    assert q.sections[0].required is False
    assert {x.id: x.required for x in q.questions()} == {
        "t1": True,
        "t2": False,
        "p1": False,
        "partner_role": False,
        "works": False,
    }


def test_the_json_schema_documents_required_on_sections_and_questions() -> None:
    schema = Questionnaire.model_json_schema(by_alias=True)
    section = schema["$defs"]["Section"]["properties"]["required"]
    question = schema["$defs"]["Question"]["properties"]["required"]
    assert section["type"] == question["type"] == "boolean"
    assert section["default"] is False and question["default"] is False
