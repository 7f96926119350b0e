"""The ``survey`` command: validate, schema and score, through click's runner and for real."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from survey.cli import cli
from tests.core.helpers import INVALID, TINY

SURVEY = Path(sys.executable).parent / "survey"

PARTNERS = """\
partner,sector,lead,role,invited
City,municipal,yes,collaboration,4
Police,police,no,collaboration,3
Youth,community,no,coordination,
"""
RESPONSES = """\
respondent,partner,t1,t2,p1,partner_role,works
r1,City,5,1,5,collaboration,Good meetings
r2,Police,3,3,2,communication,
r3,Police,4,na,2,cooperation,"We talk, sometimes"
r4,Youth,2,4,,communication,
"""
HEADER = "respondent,partner,t1,t2,p1,partner_role,works\n"
# A problem line: FILE, then :LINE or :LINE:COL when known, then what — how to fix.
PROBLEM = re.compile(r"^(?P<file>[^:]+)(?::(?P<line>\d+))?(?::(?P<col>\d+))?: .+ — .+$")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture
def round_files(tmp_path: Path) -> Any:
    """Write partners.csv / responses.csv (defaults above) and return the score arguments."""

    def write(partners: str = PARTNERS, responses: str = RESPONSES) -> list[str]:
        (tmp_path / "partners.csv").write_text(partners, encoding="utf-8")
        (tmp_path / "responses.csv").write_text(responses, encoding="utf-8")
        return [
            "score",
            "-q",
            str(TINY),
            "-p",
            str(tmp_path / "partners.csv"),
            "-r",
            str(tmp_path / "responses.csv"),
        ]

    return write


# ---------------------------------------------------------------------------------------------
# survey validate


def test_validate_a_valid_file() -> None:
    result = invoke("validate", str(TINY))
    no_traceback(result)
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        f"{TINY}: valid — tiny 1, 2 dimensions, 5 questions, languages en, fr"
    )
    assert result.stderr == ""


def test_validate_an_invalid_file() -> None:
    path = INVALID / "unknown_scale.yaml"
    result = invoke("validate", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{path}:29:32: unknown scale 'agreed' — use one of: agree",
        "1 of 1 file(s) have problems.",
    ]


def test_validate_reports_every_problem_of_every_file_in_one_run() -> None:
    several = INVALID / "several_problems.yaml"
    typo = INVALID / "unknown_key.yaml"
    result = invoke("validate", str(TINY), str(several), str(typo))
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{TINY}: valid" in result.stdout
    problems = result.stderr.splitlines()[:-1]
    assert [p.split(":")[0] for p in problems] == [str(several)] * 4 + [str(typo)]
    assert f"{typo}:29:64: " in result.stderr
    assert result.stderr.splitlines()[-1] == "2 of 3 file(s) have problems."


@pytest.mark.parametrize("name", sorted(p.name for p in INVALID.glob("*.yaml")))
def test_validate_every_broken_fixture_prints_located_problems(name: str) -> None:
    path = INVALID / name
    result = invoke("validate", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    *problems, summary = result.stderr.splitlines()
    assert summary == "1 of 1 file(s) have problems."
    assert problems
    for line in problems:
        match = PROBLEM.match(line)
        assert match, line
        assert match["file"] == str(path)
        if name != "empty.yaml":
            assert match["line"], line


def test_validate_a_missing_file() -> None:
    result = invoke("validate", "no/such/instrument.yaml")
    no_traceback(result)
    assert result.exit_code == 1
    assert "no/such/instrument.yaml: no such file — check the path" in result.stderr


def test_validate_needs_a_file() -> None:
    result = invoke("validate")
    no_traceback(result)
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_validate_a_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * 100_001)
    result = invoke("validate", str(path))
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{path}: file is 1,000,010 bytes, over the 1,000,000-byte limit — " in result.stderr


# ---------------------------------------------------------------------------------------------
# survey schema


def test_schema_is_json_schema_of_the_instrument_format() -> None:
    result = invoke("schema")
    no_traceback(result)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    props = schema["properties"]
    for key in ("id", "version", "languages", "title", "scales", "dimensions", "sections"):
        assert key in props
    assert set(schema["required"]) >= {"id", "version", "languages", "sections", "dimensions"}
    assert "source_text" not in props  # set by the loader, not written by authors
    rules = schema["$defs"]["Rules"]["properties"]
    assert "silent-partner" in rules and "power-imbalance" in rules  # the names authors write
    assert schema["$defs"]["Question"]["additionalProperties"] is False


# ---------------------------------------------------------------------------------------------
# survey score


def test_score_text(round_files: Any) -> None:
    result = invoke(*round_files())
    no_traceback(result)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Tiny (tiny 1)\n")
    # 4 respondents; invitations known for City (4) and Police (3): (1 + 2) / 7 = 43%
    assert "4 respondents, response rate 43%" in out
    # trust: City 5, Police (3 + 4) / 2 = 3.5, Youth (2 + (6 - 4)) / 2 = 2 -> 10.5 / 3 = 3.50
    assert re.search(r"^Trust\s+3\.50\s+borderline", out, re.M)
    assert "power-imbalance" in out and "perception-gap" in out
    assert "Meet in person." in out  # the trust practice, as a recommendation


def test_score_json_has_the_documented_keys(round_files: Any) -> None:
    result = invoke(*round_files(), "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert set(report) >= {
        "questionnaire",
        "dimensions",
        "partnership",
        "partners",
        "spread",
        "flags",
        "pino_risk",
    }
    assert {"id": "tiny", "version": "1"}.items() <= report["questionnaire"].items()
    assert [(d["id"], d["title"]) for d in report["dimensions"]] == [
        ("trust", "Trust"),
        ("power_balance", "Power balance"),
    ]
    p = report["partnership"]
    assert set(p) >= {"scores", "bands", "respondents", "response_rate"}
    assert p["scores"] == {"trust": 3.5, "power_balance": 3.5}  # pb: (5 + 2) / 2, Youth blank
    assert p["bands"] == {"trust": "borderline", "power_balance": "borderline"}
    assert p["respondents"] == 4
    assert p["response_rate"] == pytest.approx(3 / 7)
    keys = {"partner", "sector", "lead", "role", "respondents", "invited", "scores", "bands"}
    assert all(set(row) >= keys for row in report["partners"])
    city, police, youth = report["partners"]
    assert (city["partner"], city["sector"], city["lead"], city["role"]) == (
        "City",
        "municipal",
        True,
        "collaboration",
    )
    assert (police["respondents"], police["invited"], police["scores"]["trust"]) == (2, 3, 3.5)
    assert youth["invited"] is None
    assert youth["scores"] == {"trust": 2.0, "power_balance": None}
    assert youth["bands"] == {"trust": "concern", "power_balance": None}
    assert set(report["spread"]) == {"trust", "power_balance"}
    assert all(set(s) >= {"sd", "min", "max"} for s in report["spread"].values())
    assert report["spread"]["power_balance"]["sd"] == 1.5  # 5 and 2: mean 3.5, deviations 1.5
    assert isinstance(report["flags"], list) and report["flags"]
    assert all(
        set(f) >= {"rule", "severity", "dimension", "partners", "evidence", "recommendation"}
        for f in report["flags"]
    )
    assert report["pino_risk"] == "high"
    # comments sorted, with no respondent id anywhere near them
    assert report["comments"][0]["answers"] == ["Good meetings", "We talk, sometimes"]


def test_score_in_french(round_files: Any) -> None:
    args = round_files()
    text = invoke(*args, "--lang", "fr")
    no_traceback(text)
    assert text.exit_code == 0
    assert "Petit (tiny 1)" in text.stdout
    assert "3,50" in text.stdout and "3.50" not in text.stdout
    assert "43 %" in text.stdout
    assert "Rencontrez-vous en personne." in text.stdout
    report = json.loads(invoke(*args, "--lang", "fr", "--format", "json").stdout)
    assert report["language"] == "fr"
    assert report["dimensions"][1]["title"] == "Équilibre des pouvoirs"
    assert all(not re.search(r"\d\.\d", f["evidence"]) for f in report["flags"])


def test_score_in_an_undeclared_language(round_files: Any) -> None:
    result = invoke(*round_files(), "--lang", "de")
    no_traceback(result)
    assert result.exit_code == 2
    assert "'de' is not one of the instrument's languages (en, fr)" in result.stderr


def test_score_with_no_responses_yet(round_files: Any) -> None:
    result = invoke(*round_files(responses=HEADER), "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["partnership"]["respondents"] == 0
    assert report["partnership"]["scores"] == {"trust": None, "power_balance": None}
    assert {f["rule"] for f in report["flags"]} == {"silent-partner"}


# ---------------------------------------------------------------------------------------------
# survey score: bad input exits 2 with FILE:ROW: and no traceback


def rows(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(
    ("partners", "responses", "expected"),
    [
        pytest.param(
            PARTNERS,
            rows("r1,City,6,1,5,collaboration,"),
            "responses.csv:2: column 't1': '6' is not on the scale — use one of: 1, 2, 3, 4, 5, na",
            id="value-above-the-scale",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,0,collaboration,"),
            "responses.csv:2: column 'p1': '0' is not on the scale",
            id="value-below-the-scale",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,4.5,1,5,,"),
            "responses.csv:2: column 't1': '4.5' is not on the scale",
            id="value-between-scale-points",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,,", "r2,Cty,5,1,5,,"),
            "responses.csv:3: column 'partner': 'Cty' is not in the partners file",
            id="partner-not-in-partners-csv",
        ),
        pytest.param(
            PARTNERS,
            "respondent,partner,t1,t9\nr1,City,5,1\n",
            "responses.csv:1: column 't9' is not a question of tiny",
            id="unknown-question-column",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,,", 'r2,City,5,1,5,,"never closed', "r3,City,5,1,5,,"),
            "responses.csv:3: malformed CSV (unexpected end of data) — check the quotes",
            id="unterminated-quote",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,,", "r2,City,5,1,5,,", 'r3,City,5,1,5,,"a"b'),
            "responses.csv:4: malformed CSV",
            id="text-after-a-closing-quote",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,,no,extra"),
            "responses.csv:2: 8 cells but the header has 7 columns (extra: 'extra')",
            id="too-many-cells",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,boss,"),
            "responses.csv:2: column 'partner_role': 'boss' is not one of the options",
            id="unknown-option",
        ),
        pytest.param(
            PARTNERS,
            rows("r1,City,5,1,5,,", "r1,Police,4,2,4,,"),
            "responses.csv:3: column 'respondent': 'r1' appears twice (first on row 2)",
            id="duplicate-respondent",
        ),
        pytest.param(
            PARTNERS.replace("City,municipal,yes", "City,municipal,maybe"),
            RESPONSES,
            "partners.csv:2: column 'lead': 'maybe' is not yes or no — write yes or no",
            id="bad-lead",
        ),
        pytest.param(
            PARTNERS.replace("no,coordination", "no,boss"),
            RESPONSES,
            "partners.csv:4: column 'role': 'boss' is not a role on the continuum",
            id="bad-role",
        ),
        pytest.param(
            PARTNERS.replace("collaboration,3", "collaboration,three"),
            RESPONSES,
            "partners.csv:3: column 'invited': 'three' is not a count",
            id="invited-not-a-number",
        ),
        pytest.param(
            PARTNERS.replace("collaboration,3", "collaboration,-3"),
            RESPONSES,
            "partners.csv:3: column 'invited': '-3' is not a count",
            id="invited-negative",
        ),
        pytest.param(
            PARTNERS + "City,municipal,no,,\n",
            RESPONSES,
            "partners.csv:5: column 'partner': 'City' is listed twice (first on row 2)",
            id="duplicate-partner",
        ),
        pytest.param(
            "",
            RESPONSES,
            "partners.csv: the file is empty — start with a header row: partner",
            id="empty-partners-file",
        ),
        pytest.param(
            PARTNERS,
            "partner,t1\nCity,5\n",
            "responses.csv:1: no 'respondent' column",
            id="no-respondent-column",
        ),
    ],
)
def test_score_bad_input(
    round_files: Any, tmp_path: Path, partners: str, responses: str, expected: str
) -> None:
    result = invoke(*round_files(partners, responses))
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{tmp_path}/{expected}" in result.stderr, result.stderr
    for line in result.stderr.splitlines():
        assert PROBLEM.match(line), line


def test_score_reports_every_bad_cell_in_one_run(round_files: Any, tmp_path: Path) -> None:
    responses = rows("r1,City,6,1,5,,", "r2,Nobody,5,1,5,,", "r3,City,5,7,5,,")
    result = invoke(*round_files(responses=responses))
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path}/responses.csv:2: column 't1': '6' is not on the scale — "
        "use one of: 1, 2, 3, 4, 5, na",
        f"{tmp_path}/responses.csv:3: column 'partner': 'Nobody' is not in the partners file — "
        "use a partner name exactly as the partners file spells it",
        f"{tmp_path}/responses.csv:4: column 't2': '7' is not on the scale — "
        "use one of: 1, 2, 3, 4, 5, na",
    ]


@pytest.mark.parametrize("which", ["-q", "-p", "-r"])
def test_score_missing_file(round_files: Any, tmp_path: Path, which: str) -> None:
    args = round_files()
    args[args.index(which) + 1] = str(tmp_path / "missing.file")
    result = invoke(*args)
    no_traceback(result)
    assert result.exit_code == 2
    assert f"{tmp_path}/missing.file: no such file — check the path" in result.stderr


def test_score_with_an_invalid_instrument(round_files: Any) -> None:
    args = round_files()
    path = INVALID / "unknown_scale.yaml"
    args[args.index("-q") + 1] = str(path)
    result = invoke(*args)
    no_traceback(result)
    assert result.exit_code == 2
    assert f"{path}:29:32: unknown scale 'agreed'" in result.stderr


def test_score_with_a_file_that_is_not_utf8(round_files: Any, tmp_path: Path) -> None:
    args = round_files()
    (tmp_path / "responses.csv").write_bytes(HEADER.encode() + "r1,Café,5,,,,\n".encode("cp1252"))
    result = invoke(*args)
    no_traceback(result)
    assert result.exit_code == 2
    assert f"{tmp_path}/responses.csv: not UTF-8 text" in result.stderr


def test_score_accepts_a_utf8_bom_and_crlf(round_files: Any) -> None:
    bom_crlf = "\ufeff" + RESPONSES.replace("\n", "\r\n")
    result = invoke(*round_files(responses=bom_crlf), "--format", "json")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["partnership"]["respondents"] == 4


# ---------------------------------------------------------------------------------------------
# The installed command, run for real


def run_survey(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SURVEY), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_installed_command_validates() -> None:
    assert SURVEY.exists(), f"{SURVEY} missing: pip install -e . in the virtualenv"
    ok = run_survey("validate", str(TINY))
    assert ok.returncode == 0, ok.stderr
    assert "valid — tiny 1" in ok.stdout
    bad = run_survey(
        "validate", str(INVALID / "billion_laughs.yaml"), str(INVALID / "python_tag.yaml")
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert f"{INVALID / 'billion_laughs.yaml'}:1:1: anchors and aliases expand" in bad.stderr
    assert f"{INVALID / 'python_tag.yaml'}:2:10: could not determine a constructor" in bad.stderr


def test_installed_command_scores(tmp_path: Path) -> None:
    (tmp_path / "partners.csv").write_text(PARTNERS, encoding="utf-8")
    (tmp_path / "responses.csv").write_text(RESPONSES, encoding="utf-8")
    base = ["score", "-q", str(TINY), "-p", str(tmp_path / "partners.csv")]
    good = run_survey(*base, "-r", str(tmp_path / "responses.csv"), "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["pino_risk"] == "high"
    (tmp_path / "bad.csv").write_text(rows("r1,City,9,1,5,,"), encoding="utf-8")
    bad = run_survey(*base, "-r", str(tmp_path / "bad.csv"))
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert f"{tmp_path}/bad.csv:2: column 't1': '9' is not on the scale" in bad.stderr
