"""axe-core for the accessibility tests: installed from the pinned lock file, run in a page.

axe-core comes from the npm registry at the version and integrity hash that
``tests/browser/package-lock.json`` pins; ``npm ci`` checks the hash. It is installed into
``tests/browser/node_modules`` (gitignored) the first time the suite needs it, and again when
the lock file names another version.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LOCK = HERE / "package-lock.json"
PACKAGE = HERE / "node_modules" / "axe-core"
SCRIPT = PACKAGE / "axe.min.js"
# WCAG 2.1 levels A and AA: what public bodies in Canada and the EU are held to.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Unavailable(Exception):
    """axe-core is not installed and cannot be (no npm, or the registry is unreachable)."""


def pinned_version() -> str:
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/axe-core"]["version"])


def installed_version() -> str | None:
    try:
        return str(json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def source() -> str:
    """The text of axe.min.js at the pinned version, running ``npm ci`` first if needed."""
    if installed_version() != pinned_version() or not SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable(
                "axe-core is not installed and npm is missing: install Node.js and npm, "
                "then run `npm ci --prefix tests/browser`"
            )
        result = subprocess.run(
            [npm, "ci", "--prefix", str(HERE), "--no-audit", "--no-fund", "--loglevel=error"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not SCRIPT.exists():
            raise Unavailable(f"`npm ci --prefix tests/browser` failed:\n{result.stderr[-2000:]}")
    return SCRIPT.read_text(encoding="utf-8")


RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def violations(page: Any, axe_script: str) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations axe finds in the page as it is now.

    The page's context needs ``bypass_csp=True``: the app's CSP rightly allows no inline script.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_script)
    return list(page.evaluate(RUN_AXE, TAGS))


def describe(found: list[dict[str, Any]], where: str) -> str:
    """A readable assertion message: each rule, what it asks, and the elements that fail it."""
    lines = [f"{len(found)} accessibility violation(s) on {where}:"]
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:10]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)


def assert_no_violations(page: Any, axe_script: str, where: str | None = None) -> None:
    found = violations(page, axe_script)
    assert not found, describe(found, where or page.url)
