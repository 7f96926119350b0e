"""Run every benchmark: `make bench` (or `python -m benchmarks [name ...]`)."""

from __future__ import annotations

import platform
import sys
from datetime import UTC, datetime

from benchmarks import (
    bench_browser,
    bench_dashboard,
    bench_import,
    bench_jobs,
    bench_load,
    bench_pdf,
    bench_scoring,
)

BENCHES = {
    "scoring": bench_scoring.run,
    "dashboard": bench_dashboard.run,
    "browser": bench_browser.run,
    "pdf": bench_pdf.run,
    "jobs": bench_jobs.run,
    "load": bench_load.run,
    "capacity": bench_load.run_capacity,
    "import": bench_import.run,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHES)
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.node()} · "
        f"Python {platform.python_version()} · {platform.machine()}"
    )
    for name in chosen:
        if name not in BENCHES:
            print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHES)}", file=sys.stderr)
            return 2
        BENCHES[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
