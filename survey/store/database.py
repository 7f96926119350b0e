"""The one SQLAlchemy handle: models, queries and the web app share it.

It lives in the store, not among the web app's extensions, so that the store never imports the
web package; ``survey.web.app`` binds it to the app with ``db.init_app``.
"""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
