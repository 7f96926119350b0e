"""Filters and globals shared by all templates: numbers, bands and roles in the page's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import Flask, g
from flask_babel import force_locale, get_locale, get_translations
from flask_babel import lazy_gettext as _l

from reports.words import format_date
from survey.core.wording import (
    confidence_name,
    confidence_sentence,
    format_number,
    format_share,
    rule_name,
)

BAND_LABELS = {"strength": _l("Strength"), "borderline": _l("Borderline"), "concern": _l("Concern")}
RISK_LABELS = {
    "none": _l("No signs of a partnership in name only"),
    "low": _l("Few signs of a partnership in name only"),
    "medium": _l("Some signs of a partnership in name only: worth a conversation"),
    "high": _l("Strong signs of a partnership in name only: make time to discuss them"),
}
SEVERITY_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}


class _RuleLabels:
    """``RULE_LABELS[rule_id]`` in templates: the rule's name in the page's language, from the
    core's wording, which also names rules in PDFs and the CLI."""

    def __getitem__(self, rule_id: str) -> str:
        return rule_name(rule_id, _lang())


RULE_LABELS = _RuleLabels()


def verdict(report: dict[str, Any]) -> dict[str, Any]:
    """The headline of a score report: the risk read together with how far it can be trusted.

    ``key`` is the CSS class and the level: ``empty`` before any response, ``insufficient``
    when too few partners have answered to judge (never "strong signs" then), else the risk.
    ``note`` says what the reading rests on, and that it is only indicative where it is.
    """
    if not report["partnership"]["respondents"]:
        return {
            "key": "empty",
            "text": _l("No submitted responses yet: there is nothing to read yet."),
            "note": None,
            "confidence": None,
        }
    level = report.get("verdict_confidence", "firm")
    sentence = confidence_sentence(level, report.get("basis") or {}, _lang())
    if level == "insufficient":
        return {"key": "insufficient", "text": sentence, "note": None, "confidence": level}
    return {
        "key": report["pino_risk"],
        "text": RISK_LABELS[report["pino_risk"]],
        "note": sentence,
        "confidence": level,
    }


def verdict_short(report: dict[str, Any]) -> str:
    """The headline in a few words, for a table of rounds."""
    found = verdict(report)
    if found["key"] in {"empty", "insufficient"} or found["confidence"] == "firm":
        return (
            str(found["text"])
            if found["key"] != "insufficient"
            else confidence_name("insufficient", _lang())
        )
    return f"{found['text']} ({confidence_name('indicative', _lang()).lower()})"


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def interface_language() -> str:
    """The language the page is shown in; results follow it."""
    return _lang()


def _translations() -> Any:
    """The request's translations, found once per request. Flask-Babel's template callables
    find them again for every string, through several request-global look-ups, and a page
    shows about a hundred strings. The locale cannot change within a request: Flask-Babel
    keeps the first one it selects."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Text and templates in ``language`` for a while (an e-mail to a French-speaking partner
    from an English page or a worker): Flask-Babel's locale, and this module's per-request
    translations forgotten on the way in and out."""
    g.pop("_translations", None)
    try:
        with force_locale(language):
            yield
    finally:
        g.pop("_translations", None)


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

    @app.template_filter("count")
    def count(value: int) -> str:
        """A whole number with the language's thousands separator: 10,000 or 10 000."""
        from babel.numbers import format_decimal

        return format_decimal(value, locale=_lang())

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
            "verdict": verdict,
            "verdict_short": verdict_short,
            "confidence_name": lambda level: confidence_name(level, _lang()),
            "ROLE_LABELS": ROLE_LABELS,
            "current_language": _lang(),
        }
