"""Problems found in user input, each saying where it is and how to fix it.

Instruments, CSV files and imports all report problems in the same shape so that the CLI
and the web pages can print them the same way: ``FILE:LINE:COL: what is wrong — how to fix it``.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

# A file with a problem on every row must not become a page (or a terminal) of thousands of
# them: the first ones are enough to see what is wrong, and the count says how many more.
MAX_REPORTED_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    source: str
    message: str
    hint: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class InputError(Exception):
    """Raised with every problem found, never just the first (up to
    :data:`MAX_REPORTED_PROBLEMS` of them, with ``total`` counting them all). ``note`` is said
    once after the problems, rather than in each (the list of valid partner names)."""

    def __init__(self, problems: list[Problem], total: int | None = None, note: str = "") -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        self.note = note
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def more(self) -> int:
        """How many problems were found beyond those listed."""
        return self.total - len(self.problems)


class Problems:
    """Problems as they are found, keeping the :data:`MAX_REPORTED_PROBLEMS` earliest (by line,
    then as found) and counting every one, in memory that does not grow with the file."""

    def __init__(self, limit: int = MAX_REPORTED_PROBLEMS) -> None:
        self.limit = limit
        self.total = 0
        self._heap: list[tuple[int, int, Problem]] = []  # (-line, -order, problem): a max-heap
        self._order = itertools.count()

    def append(self, problem: Problem) -> None:
        self.total += 1
        key = (-(problem.line or 0), -next(self._order), problem)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, key)
        elif key[:2] > self._heap[0][:2]:  # earlier than the latest kept
            heapq.heapreplace(self._heap, key)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def listed(self) -> list[Problem]:
        """The kept problems, by line then in the order found."""
        return [problem for _, _, problem in sorted(self._heap, reverse=True)]

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def error(self, note: str = "") -> InputError:
        return InputError(self.listed(), self.total, note)
