"""The app's URL rules, read from app.url_map, with their arguments filled in by name.

Tests that walk every route use this, so that a route added later is covered without anyone
remembering to add it; a route with an argument nobody has described fails those tests with a
message saying where to describe it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Flask

ARG_RE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^>]*\))?:)?(?P<name>\w+)>")
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# The ids a facilitator owns, by the rule argument that carries them. A new kind of owned
# object gets its line here (and in the fixtures that build the world).
OWNED_ID_ARGS = ("partnership_id", "partner_id", "round_id", "invitation_id", "session_id")


@dataclass(frozen=True)
class Arg:
    name: str
    converter: str  # "default" for <name>, else int, path, ...


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    methods: tuple[str, ...]
    args: tuple[Arg, ...]

    def url(self, values: Mapping[str, Any]) -> str:
        """The rule with each <argument> replaced by its value (URL-quoted)."""

        def replace(match: re.Match[str]) -> str:
            return quote(str(values[match.group("name")]), safe="")

        return ARG_RE.sub(replace, self.rule)

    @property
    def owned(self) -> bool:
        """A facilitator page about one of their objects: any facilitate.* rule with
        arguments, and any rule of any blueprint with an int argument named *_id."""
        if self.endpoint.startswith("facilitate.") and self.args:
            return True
        return any(a.converter == "int" and a.name.endswith("_id") for a in self.args)


def routes(app: Flask) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        args = tuple(
            Arg(m.group("name"), m.group("converter") or "default")
            for m in ARG_RE.finditer(rule.rule)
        )
        methods = tuple(sorted(set(rule.methods or ()) - IGNORED_METHODS))
        found.append(Route(rule.rule, rule.endpoint, methods, args))
    return sorted(found, key=lambda r: (r.rule, r.endpoint))


def missing_args(route: Route, known: Mapping[str, Any] | set[str]) -> list[str]:
    return [a.name for a in route.args if a.name not in known]


def unknown_arg_message(route: Route, names: list[str], where: str) -> str:
    return (
        f"Route {route.rule} ({route.endpoint}) has argument(s) {names} that the web tests do "
        f"not know: add them to {where} in tests/web, so that the new route is tested too."
    )


def combinations(
    route: Route, baseline: Mapping[str, Any], samples: Mapping[str, list[Any]]
) -> Iterator[dict[str, Any]]:
    """The baseline values, then each argument in turn replaced by each of its samples."""
    base = {a.name: baseline[a.name] for a in route.args}
    yield base
    for arg in route.args:
        for sample in samples.get(arg.name, []):
            yield {**base, arg.name: sample}
