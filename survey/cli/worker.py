"""``survey worker``: run queued background work (symposium packs, reports laid out ahead,
housekeeping). ``make run`` starts one; with ``QUEUE_URL=redis://...`` start as many as you
like, on as many machines, beside app servers on the same database."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext


@click.command("worker")
@with_appcontext
@click.option(
    "--threads",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Tasks run at once by this process.",
)
@click.option("--no-periodic", is_flag=True, help="Leave the periodic tasks to other workers.")
def worker_command(threads: int, no_periodic: bool) -> None:
    """Run background tasks until stopped (Ctrl-C finishes the running tasks first)."""
    from survey.web.queue import consumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    consumer(threads, periodic=not no_periodic).run()
