"""gunicorn reads this file from the directory it is started in (its default config path).

It tells the app how many workers serve it, so that the app can refuse to start in production
when rate limits are kept in each worker's memory (RATELIMIT_STORAGE_URI=memory://) with more
than one worker: each would count apart, multiplying every limit (issue 15, README).
"""

import os


def on_starting(server):
    # Runs in the master before any worker starts; workers inherit the environment. With
    # --preload the app is loaded before this hook: the app then only knows WEB_CONCURRENCY,
    # and warns (in the log and on the Accounts page) when it cannot tell.
    os.environ["SURVEY_WORKERS"] = str(server.cfg.workers)
