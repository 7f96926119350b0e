"""The layers stay layers: imports run one way (cli → web → store → reports → core) and no
module takes part in an import cycle.

Read from the source with ``ast``, so an import inside a function counts as much as one at the
top of a module: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("survey", "reports")

# What each layer may not import (a module name or any module below it).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "survey.core": (
        "flask",
        "flask_babel",
        "flask_login",
        "flask_wtf",
        "flask_sqlalchemy",
        "flask_limiter",
        "flask_migrate",
        "werkzeug",
        "sqlalchemy",
        "wtforms",
        "jinja2",
        "weasyprint",
        "plotly",
        "survey.store",
        "survey.web",
        "survey.cli",
        "reports",
    ),
    "reports": ("flask", "flask_babel", "sqlalchemy", "survey.store", "survey.web", "survey.cli"),
    "survey.store": ("survey.web", "survey.cli"),
    "survey.web": ("survey.cli",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # Alembic's scripts are run by Alembic, not imported
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports, with the line, resolved to a full dotted name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # `from survey.core import scoring` imports a module
                if f"{target}.{alias.name}" in MODULES:
                    yield f"{target}.{alias.name}", node.lineno


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_layers_exist():
    for layer in FORBIDDEN:
        assert layer in MODULES, f"no package {layer}"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str):
    wrong = [
        f"{MODULES[name].relative_to(ROOT)}:{line}: imports {target}"
        for name in sorted(MODULES)
        if _within(name, layer)
        for target, line in _imports(name, MODULES[name])
        if any(_within(target, banned) for banned in FORBIDDEN[layer])
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    """Tarjan's strongly connected components over the project's own modules. A package's
    ``__init__`` that only imports its children for the caller's convenience is not exempt."""
    graph = {
        name: {
            target for target, _ in _imports(name, path) if target in MODULES and target != name
        }
        for name, path in MODULES.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" ↔ ".join(c) for c in cycles)


def test_the_checker_sees_a_forbidden_import(tmp_path: Path):
    """The rule is not vacuous: a core module that imports Flask inside a function is found."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from flask import g\n    return g\n", encoding="utf-8")
    assert ("flask", 2) in list(_imports("survey.core.probe", module))
