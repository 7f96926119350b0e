"""Partnership Health: self-assessment of community-safety partnerships.

Importing this package loads no Flask: the domain core (questionnaire, scoring, risks) is used
on its own by the CLI and the report renderer. ``create_app`` imports the web app lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application (see :mod:`survey.web.app`)."""
    from survey.web.app import create_app as _create_app

    return _create_app(config)
