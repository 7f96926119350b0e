"""The gunicorn configuration of the load benchmark, the same for the app and the bare app.

The deployment settings come from the README (`-w 4`, sync workers); what is added here only
serves the benchmark: the address, quiet logs, and a file per worker once it is ready, so that
the burst starts when every worker can take requests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

bind = os.environ["BENCH_BIND"]
workers = int(os.environ.get("BENCH_WORKERS", "4"))
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
backlog = 2048
timeout = 60
loglevel = "warning"
accesslog = None


def post_worker_init(worker: Any) -> None:
    Path(os.environ["BENCH_READY_DIR"], str(worker.pid)).touch()
