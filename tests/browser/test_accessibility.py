"""axe-core (WCAG 2.1 A and AA) on every page a respondent can meet and on the facilitator's main
pages, in English and French: no violation allowed, and none of axe's rules turned off.

Each case takes a page (in a fresh profile that bypasses the CSP, so that axe can be injected),
the seed and the language, and leaves the page in the state to check: a plain visit, or a form
submitted so that its errors show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import axe
from .conftest import Seed

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "fr")
SECTIONS = 8  # pages of questions in partnership-health.yaml; checked against the seed below

Case = Callable[[Any, Seed, str], None]


def goto(path: Callable[[Seed, str], str]) -> Case:
    def visit(page: Any, seed: Seed, lang: str) -> None:
        page.goto(path(seed, lang))

    return visit


def _page_with_errors(page: Any, seed: Seed, lang: str) -> None:
    # Page 3 of the in-progress response has no answer yet: saving it shows the errors.
    page.goto(f"/s/{seed.in_progress[lang]}/3")
    page.locator("button[value=next]").click()
    page.locator("#error-summary").wait_for()


def _expired_form(page: Any, seed: Seed, lang: str) -> None:
    # A form whose CSRF token no longer checks (as after the server's key has changed).
    page.goto(f"/r/{seed.open_token}?lang={lang}")
    page.locator("input[name=csrf_token]").evaluate("input => { input.value = 'stale'; }")
    page.locator("form[action$='/start'] button[type=submit]").click()
    page.wait_for_url("**/start")


def _join_code_error(page: Any, seed: Seed, lang: str) -> None:
    page.goto("/join")
    page.locator("input[name=code]").fill("ZZZ ZZZ")
    page.locator("main button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _join(page: Any, seed: Seed) -> None:
    page.goto(f"/join?code={seed.open_session_code}")
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/join/partnership")


def _join_partnership(page: Any, seed: Seed, lang: str) -> None:
    _join(page, seed)


def _join_organisation(page: Any, seed: Seed, lang: str) -> None:
    _join(page, seed)
    page.goto(f"/join/organisation?round={seed.open_round_id}")


def _join_organisation_error(page: Any, seed: Seed, lang: str) -> None:
    _join_organisation(page, seed, lang)
    page.locator("main button[type=submit]").click()
    page.locator("#error-summary").wait_for()


RESPONDENT: dict[str, Case] = {
    "welcome": goto(lambda s, lang: f"/r/{s.open_token}?lang={lang}"),
    "welcome-closed-round": goto(lambda s, lang: f"/r/{s.closed_token}?lang={lang}"),
    "invalid-link": goto(lambda s, lang: "/r/no-such-link-000000000000000000"),
    **{
        f"page-{number}": goto(lambda s, lang, n=number: f"/s/{s.in_progress[lang]}/{n}")
        for number in range(1, SECTIONS + 1)
    },
    "page-with-errors": _page_with_errors,
    "review-with-missing-answers": goto(lambda s, lang: f"/s/{s.in_progress[lang]}/review"),
    "review": goto(lambda s, lang: f"/s/{s.complete[lang]}/review"),
    "saved": goto(lambda s, lang: f"/s/{s.in_progress[lang]}/saved"),
    "done": goto(lambda s, lang: f"/s/{s.submitted[lang]}/done"),
    "submitted-page-read-only": goto(lambda s, lang: f"/s/{s.submitted[lang]}/1"),
    "submitted-review": goto(lambda s, lang: f"/s/{s.submitted[lang]}/review"),
    "expired-form": _expired_form,
    "join-code": goto(lambda s, lang: "/join"),
    "join-code-error": _join_code_error,
    "join-partnership": _join_partnership,
    "join-organisation": _join_organisation,
    "join-organisation-error": _join_organisation_error,
}


def _login_error(page: Any, seed: Seed, lang: str) -> None:
    page.goto("/login")
    page.locator("main button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _paper_import_problems(page: Any, seed: Seed, lang: str) -> None:
    page.goto(f"/rounds/{seed.open_round_id}/import")
    page.locator("input[type=file]").set_input_files(
        {"name": "answers.csv", "mimeType": "text/csv", "buffer": b"partner,nonsense\nNobody,9\n"}
    )
    page.locator("main form button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _representatives(page: Any, seed: Seed, lang: str) -> None:
    """A partner's roster: the first partner's, reached from the partnership page, with a
    list refused (every problem shown) and one person added."""
    page.goto(f"/partnerships/{seed.partnership_id}")
    page.locator("a[href$='/representatives']").first.click()
    page.locator("textarea").fill("Ana, ana@example.org, fr")
    page.locator("main form[enctype] button[type=submit]").click()
    page.locator("textarea").fill("not an address")
    page.locator("main form[enctype] button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _pack_job(page: Any, seed: Seed, lang: str) -> None:
    """A symposium pack asked for: its job's page, waiting for a worker (none runs here)."""
    page.goto("/symposium-pack")
    page.locator("input[name=round]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/jobs/*")


DRAWN = """() => Array.from(document.querySelectorAll("[data-figure]"))
    .every((chart) => chart.classList.contains("js-plotly-plot"))"""


def _charts(path: Callable[[Seed, str], str]) -> Case:
    """A page whose figures plotly.js draws after loading: check it once they are drawn."""

    def visit(page: Any, seed: Seed, lang: str) -> None:
        page.goto(path(seed, lang))
        page.wait_for_function(DRAWN)

    return visit


SIGNED_OUT: dict[str, Case] = {
    "login": goto(lambda s, lang: "/login"),
    "login-error": _login_error,
}

FACILITATOR: dict[str, Case] = {
    "home": goto(lambda s, lang: "/"),
    "partnership": goto(lambda s, lang: f"/partnerships/{s.partnership_id}"),
    "partnership-new": goto(lambda s, lang: "/partnerships/new"),
    "partner-new": goto(lambda s, lang: f"/partnerships/{s.partnership_id}/partners/new"),
    "round-new": goto(lambda s, lang: f"/partnerships/{s.partnership_id}/rounds/new"),
    "round-open": goto(lambda s, lang: f"/rounds/{s.open_round_id}"),
    "round-closed": goto(lambda s, lang: f"/rounds/{s.closed_round_id}"),
    "round-edit": goto(lambda s, lang: f"/rounds/{s.open_round_id}/edit"),
    "round-draft": goto(lambda s, lang: f"/rounds/{s.draft_round_id}"),
    "dashboard-closed": _charts(lambda s, lang: f"/rounds/{s.closed_round_id}/dashboard"),
    "dashboard-open": _charts(lambda s, lang: f"/rounds/{s.open_round_id}/dashboard"),
    "compare": _charts(lambda s, lang: f"/partnerships/{s.partnership_id}/compare"),
    "sessions": goto(lambda s, lang: "/sessions"),
    "session-open": goto(lambda s, lang: f"/sessions/{s.open_session_id}"),
    "session-closed": goto(lambda s, lang: f"/sessions/{s.closed_session_id}"),
    "projector": goto(lambda s, lang: f"/sessions/{s.open_session_id}/projector"),
    "projector-closed": goto(lambda s, lang: f"/sessions/{s.closed_session_id}/projector"),
    "cohort": _charts(
        lambda s, lang: f"/sessions/{s.closed_session_id}/cohort/{s.closed_round_id}"
    ),
    "sharing": goto(lambda s, lang: f"/partnerships/{s.partnership_id}/sharing"),
    "symposium-pack": goto(lambda s, lang: "/symposium-pack"),
    "paper-import": goto(lambda s, lang: f"/rounds/{s.open_round_id}/import"),
    "password": goto(lambda s, lang: "/account/password"),
    "accounts": goto(lambda s, lang: "/admin/facilitators"),
    "account-new-password": goto(lambda s, lang: f"/admin/facilitators/{s.colleague_id}/password"),
    "paper-import-problems": _paper_import_problems,
    "representatives": _representatives,
    "pack-job": _pack_job,
    "outbox": goto(lambda s, lang: "/admin/outbox"),
}


def _check(page: Any, case: Case, seed: Seed, lang: str, axe_source: str) -> None:
    case(page, seed, lang)
    assert page.locator("html").get_attribute("lang") == lang, "the page is not in its language"
    axe.assert_no_violations(page, axe_source, f"{page.url} ({lang})")


def test_seed_matches_the_cases(seed: Seed) -> None:
    assert seed.sections == SECTIONS, "update SECTIONS to the instrument's number of pages"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(RESPONDENT))
def test_respondent_page(name: str, lang: str, shared_page, seed: Seed, axe_source: str) -> None:
    page = shared_page(f"axe-respondent-{lang}", lang, phone=True, bypass_csp=True)
    _check(page, RESPONDENT[name], seed, lang, axe_source)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(SIGNED_OUT))
def test_signed_out_page(name: str, lang: str, shared_page, seed: Seed, axe_source: str) -> None:
    page = shared_page(f"axe-signed-out-{lang}", lang, bypass_csp=True)
    _check(page, SIGNED_OUT[name], seed, lang, axe_source)


# The facilitator's pages share their templates across languages: English covers their
# structure, and French is checked where the text differs most in length (sign-in, dashboard).
FACILITATOR_CASES = [(name, "en") for name in FACILITATOR] + [
    ("home", "fr"),
    ("dashboard-closed", "fr"),
    ("round-open", "fr"),
    ("round-draft", "fr"),
    ("round-new", "fr"),
    ("representatives", "fr"),
    ("pack-job", "fr"),
]


@pytest.mark.parametrize(("name", "lang"), FACILITATOR_CASES)
def test_facilitator_page(
    name: str, lang: str, shared_page, seed: Seed, axe_source: str, facilitator_state
) -> None:
    page = shared_page(
        f"axe-facilitator-{lang}", lang, bypass_csp=True, storage_state=facilitator_state
    )
    _check(page, FACILITATOR[name], seed, lang, axe_source)


def test_axe_reports_what_it_finds(shared_page, axe_source: str) -> None:
    """The checks above can fail: on a page with known faults, axe names them."""
    page = shared_page("axe-self-check", bypass_csp=True)
    page.set_content(
        '<html lang="en"><head><title>Faulty</title></head><body><main>'
        '<img src="data:,"><input type="text"></main></body></html>'
    )
    found = {violation["id"] for violation in axe.violations(page, axe_source)}
    assert {"image-alt", "label"} <= found, found
