"""`survey score`: the headline read with its confidence, findings, and --min-group pooling."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from survey.cli import cli
from tests.core.helpers import TINY

SIX = """\
partner,sector,lead,role,invited
City,municipal,yes,collaboration,3
Police,police,no,collaboration,3
Youth,community,no,coordination,3
Health,health,no,,3
Housing,housing,no,,3
Schools,education,no,,3
"""
HEADER = "respondent,partner,t1,t2,p1,partner_role,works\n"


def score(tmp_path: Path, partners: str, responses: str, *args: str):
    (tmp_path / "p.csv").write_text(partners, encoding="utf-8")
    (tmp_path / "r.csv").write_text(HEADER + responses, encoding="utf-8")
    argv = ["score", "-q", str(TINY), "-p", str(tmp_path / "p.csv"), "-r", str(tmp_path / "r.csv")]
    result = CliRunner().invoke(cli, [*argv, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_two_responses_from_two_of_six_partners_is_too_early_to_judge(tmp_path: Path) -> None:
    responses = "r1,City,5,1,5,collaboration,\nr2,Police,1,5,1,communication,\n"
    text = score(tmp_path, SIX, responses)
    assert "Too early to judge: 2 responses from 2 of 6 partners." in text
    assert "Risk of a partnership in name only" not in text
    report = json.loads(score(tmp_path, SIX, responses, "--format", "json"))
    assert report["verdict_confidence"] == "insufficient"
    assert report["pino_risk"] == "high"  # kept in the JSON with its meaning
    french = score(tmp_path, SIX, responses, "--lang", "fr")
    assert "Trop tôt pour juger\u00a0: 2 réponses de 2 partenaires sur 6." in french


def test_findings_group_the_flags_in_the_text(tmp_path: Path) -> None:
    rows = []
    for i in range(3):
        rows.append(f"c{i},City,5,1,5,collaboration,")
        rows.append(f"p{i},Police,2,4,1,communication,")
        rows.append(f"y{i},Youth,2,4,2,coordination,")
    partners = "\n".join(SIX.splitlines()[:4]) + "\n"
    text = score(tmp_path, partners, "\n".join(rows) + "\n")
    assert "Risk of a partnership in name only: high" in text
    assert "Firm reading: 9 responses from 3 of 3 partners." in text
    findings = text.split("Findings:")[1]
    # Power balance is one finding with all its signs, said once.
    assert findings.count("Power balance:") == 1
    assert "Power imbalance (power-imbalance), Perception gap (perception-gap)" in findings


def test_min_group_pools_small_partners(tmp_path: Path) -> None:
    rows = [f"c{i},City,5,1,5,collaboration," for i in range(3)]
    rows += ["p1,Police,2,4,1,communication,", "y1,Youth,3,3,3,coordination,"]
    partners = "\n".join(SIX.splitlines()[:4]) + "\n"
    report = json.loads(
        score(tmp_path, partners, "\n".join(rows) + "\n", "--format", "json", "--min-group", "2")
    )
    names = [p["partner"] for p in report["partners"]]
    assert names == ["City", "Other partners"]
    assert all(p["respondents"] >= 2 for p in report["partners"])
    lone = json.loads(
        score(tmp_path, partners, rows[3] + "\n", "--format", "json", "--min-group", "3")
    )
    assert lone["privacy"]["withheld"] is True
    assert all(v is None for v in lone["partnership"]["scores"].values())
