"""The French interface catalog is complete and consistent, so a French respondent or
facilitator never meets an English sentence part-way through."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "survey" / "web" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
TEMPLATE = ROOT / "survey" / "web" / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


def _catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle)


def test_every_message_has_a_french_translation():
    missing = []
    for message in _catalog():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s.strip() for s in strings) or message.fuzzy:
            missing.append(message.id)
    assert missing == [], f"untranslated or fuzzy: {missing} — translate them in {CATALOG}"


def test_placeholders_survive_translation():
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for translated in strings:
            assert set(PLACEHOLDER.findall(translated)) <= wanted | set(
                PLACEHOLDER.findall(ids[0])
            ), message.id
            assert wanted - {"%(num)s"} <= set(PLACEHOLDER.findall(translated)), message.id


def test_catalog_matches_the_strings_in_the_code(tmp_path):
    """Every msgid the code uses is in the catalog: run `make messages` after changing text."""
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(extracted),
            str(ROOT / "survey"),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with extracted.open("rb") as handle:
        in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id}
    assert in_code - in_catalog == set(), "run `make messages` and translate the new entries"
