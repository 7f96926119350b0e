"""ruff is the one linter and formatter, and mypy checks the types (strict on the core and the
reports): the tree stays clean (`make fmt` fixes formatting; `make lint` runs both)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    assert RUFF, "ruff is not installed: `make test` installs the dev extras"
    return subprocess.run([RUFF, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_check_is_clean():
    result = _ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_no_errors(tmp_path: Path):
    """The settings are pyproject.toml's: strict on survey.core and reports, checked elsewhere."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    assert mypy, "mypy is not installed: `make test` installs the dev extras"
    result = subprocess.run(
        [mypy, "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
