"""``survey assets``: the compressed copies of the static assets and plotly.js, made now.

Part of deploying: without it the first visitor of a new plotly gets gzip while Brotli is
made in the background (survey/web/assets.py).
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("assets")
@with_appcontext
def assets_command() -> None:
    """Compress the static assets and plotly.js once (gzip and Brotli) into ASSET_CACHE_DIR."""
    from survey.web.assets import cache_of, static_assets
    from survey.web.views.dashboard import plotly_asset

    made = cache_of(current_app).prepare([*static_assets(current_app), plotly_asset()])
    click.echo(f"{made} compressed copies made in {current_app.config['ASSET_CACHE_DIR']}")
