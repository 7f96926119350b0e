"""Safe YAML loading that remembers where every value came from.

Authors get errors as ``file:line:col``, so the loader keeps a map from each value's path
(``("sections", 2, "questions", 0, "id")``) to its position in the file. Only the safe subset
of YAML is constructed (``yaml.SafeLoader``): ``!!python`` tags are refused. Files over 1 MB
and anchor/alias "bombs" that would expand past a fixed number of nodes are refused before
anything is constructed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from survey.core.problems import InputError, Problem

MAX_BYTES = 1_000_000
# A real instrument has a few thousand nodes; a "billion laughs" file has billions.
MAX_EXPANDED_NODES = 200_000

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """A parsed YAML document with the 1-based line and column of each path in it."""

    data: Any
    positions: dict[Path, tuple[int, int]]
    source: str

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """Position of ``path`` or of its nearest ancestor that exists in the file."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def problem(self, path: Path, message: str, hint: str = "") -> Problem:
        line, column = self.where(path)
        return Problem(self.source, message, hint, line, column)


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Number of nodes the document expands to once aliases are resolved."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive structures while counting
    size = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            size += _expanded_size(child, memo)
            if size > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += _expanded_size(k, memo) + _expanded_size(v, memo)
            if size > MAX_EXPANDED_NODES:
                break
    memo[key] = size
    return size


def _record_positions(
    node: yaml.Node,
    path: Path,
    out: dict[Path, tuple[int, int]],
    duplicates: list[Problem],
    source: str,
) -> None:
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _record_positions(child, (*path, index), out, duplicates, source)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                # YAML lets a later key silently replace an earlier one; authors never mean it.
                if key_node.value in seen:
                    duplicates.append(
                        Problem(
                            source,
                            f"'{key_node.value}' appears twice in this mapping (first on line "
                            f"{seen[key_node.value]})",
                            "keep one of them: the second would silently replace the first",
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                        )
                    )
                seen.setdefault(key_node.value, key_node.start_mark.line + 1)
                child_path = (*path, key_node.value)
                out.setdefault(
                    child_path, (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                )
                # The value's own position is where nested paths start.
                _record_positions(value_node, child_path, out, duplicates, source)


def _mark_problem(source: str, exc: yaml.MarkedYAMLError, hint: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    message = str(exc.problem or exc.context or "invalid YAML").strip()
    return Problem(source, message, hint, line, column)


def load_yaml(text: str | bytes, source: str) -> Located:
    """Parse ``text`` safely; raise :class:`InputError` with a located problem on failure."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise InputError(
            [
                Problem(
                    source,
                    f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit",
                    "an instrument is a few dozen kilobytes; split it or remove embedded data",
                )
            ]
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                [Problem(source, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
            ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise InputError([_mark_problem(source, exc, "fix the YAML syntax here")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(source, f"invalid YAML: {exc}", "fix the YAML syntax")]) from None
    if node is None:
        raise InputError([Problem(source, "the file is empty", "start from questionnaires/")])
    if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
        raise InputError(
            [
                Problem(
                    source,
                    f"anchors and aliases expand to more than {MAX_EXPANDED_NODES:,} values",
                    "write the values out instead of nesting aliases",
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                )
            ]
        )
    try:
        data = yaml.SafeLoader(text).construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise InputError(
            [_mark_problem(source, exc, "only plain YAML is allowed: remove custom tags")]
        ) from None
    positions: dict[Path, tuple[int, int]] = {}
    duplicates: list[Problem] = []
    _record_positions(node, (), positions, duplicates, source)
    if duplicates:
        raise InputError(duplicates)
    return Located(data, positions, source)
