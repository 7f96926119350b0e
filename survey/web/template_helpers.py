"""Filters and globals shared by all templates: numbers, bands and roles in the page's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, g
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l

from reports.words import format_date
from survey.core.risks import format_number, format_share

BAND_LABELS = {"strength": _l("Strength"), "borderline": _l("Borderline"), "concern": _l("Concern")}
RISK_LABELS = {
    "none": _l("No signs of a partnership in name only"),
    "low": _l("Few signs of a partnership in name only"),
    "medium": _l("Some signs of a partnership in name only: worth a conversation"),
    "high": _l("Strong signs of a partnership in name only: make time to discuss them"),
}
SEVERITY_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}
RULE_LABELS = {
    "silent-partner": _l("Silent partner"),
    "power-imbalance": _l("Power imbalance"),
    "perception-gap": _l("Perception gap"),
    "role-mismatch": _l("Role mismatch"),
    "divergent-views": _l("Divergent views"),
    "dominant-voice": _l("Dominant voice"),
    "low-score": _l("Low score"),
}


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def _translations() -> Any:
    """The request's translations, found once per request. Flask-Babel's template callables
    find them again for every string, through several request-global look-ups, and a page
    shows about a hundred strings. The locale cannot change within a request: Flask-Babel
    keeps the first one it selects."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def register(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: _translations().ugettext(text),
        ngettext=lambda singular, plural, n: _translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: _translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: _translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )

    @app.template_filter("num")
    def num(value: float | None, decimals: int = 2) -> str:
        return "—" if value is None else format_number(value, _lang(), decimals)

    @app.template_filter("day")
    def day(value: date | None) -> str:
        """``3 March 2026`` / ``3 mars 2026``, as the printed reports write dates."""
        return format_date(value, _lang())

    @app.template_filter("pct")
    def pct(value: float | None) -> str:
        return "—" if value is None else format_share(value, _lang())

    @app.context_processor
    def labels() -> dict[str, Any]:
        from survey.web.forms import ROLE_LABELS

        return {
            "BAND_LABELS": BAND_LABELS,
            "RISK_LABELS": RISK_LABELS,
            "SEVERITY_LABELS": SEVERITY_LABELS,
            "STATUS_LABELS": STATUS_LABELS,
            "RULE_LABELS": RULE_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            "current_language": _lang(),
        }
