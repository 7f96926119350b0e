"""How every ``survey`` command reports bad input: each problem on stderr, a non-zero exit,
never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from survey.core.problems import InputError

F = TypeVar("F", bound=Callable[..., Any])


def reports_input_errors(exit_code: int) -> Callable[[F], F]:
    """Print every problem of an InputError to stderr and exit with ``exit_code``."""

    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except InputError as exc:
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
                if exc.more:
                    click.echo(
                        f"... and {exc.more:,} more problems ({exc.total:,} in all): fix these "
                        "and check the file again.",
                        err=True,
                    )
                if exc.note:
                    click.echo(exc.note, err=True)
                sys.exit(exit_code)

        return wrapper  # type: ignore[return-value]

    return decorate
