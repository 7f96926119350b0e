"""The two journeys that matter, end to end in a real browser.

A partner on a phone, in English and in French: the invitation link, pages of questions, the
tab closed half-way, the same link again (then the personal link on another device) with the
earlier answers still there, the review, submission, thanks, and answers that can no longer be
changed. A facilitator at a desk: sign in, partnership, round, dashboard, the partnership's PDF.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from .conftest import LiveServer, Seed, stored_response

pytestmark = pytest.mark.browser

TEXT = {
    "en": {
        "title": "a self-assessment for community-safety partnerships",
        "start": "Start",
        "continue": "Continue where you left off",
        "later": "Save and finish later",
        "saved": "Your answers are saved",
        "review": "Check your answers",
        "submit": "Submit my answers",
        "thanks": "Thank you",
    },
    "fr": {
        "title": "autoévaluation des partenariats",
        "start": "Commencer",
        "continue": "Reprendre où vous en étiez",
        "later": "Enregistrer et terminer plus tard",
        "saved": "Vos réponses sont enregistrées",
        "review": "Vérifiez vos réponses",
        "submit": "Soumettre mes réponses",
        "thanks": "Merci",
    },
}


def choice_for(number: int) -> int:
    """The option (0-based) chosen on page ``number``: different from page to page, so that
    answers found again cannot have come from another page."""
    return number % 4


def answer_page(page: Any, number: int, questions: int | None = None) -> dict[str, str]:
    """Tap an answer to each question of the page (the first ``questions`` only, if given);
    return the values chosen, by field name."""
    chosen: dict[str, str] = {}
    for fieldset in page.locator("fieldset.question").all()[:questions]:
        option = fieldset.locator(".option").nth(choice_for(number))
        option.locator("label").tap()
        radio = option.locator("input")
        assert radio.is_checked()
        chosen[str(radio.get_attribute("name"))] = str(radio.get_attribute("value"))
    for textarea in page.locator("textarea").all():
        name = str(textarea.get_attribute("name"))
        chosen[name] = f"Typed on page {number} in {name}."
        textarea.fill(chosen[name])
    return chosen


def checked(page: Any) -> dict[str, str]:
    """The answers the page shows as given: checked options and typed text, by field name."""
    return dict(
        page.evaluate(
            """() => [
              ...Array.from(document.querySelectorAll("main input:checked"))
                .map((input) => [input.name, input.value]),
              ...Array.from(document.querySelectorAll("main textarea"))
                .filter((area) => area.value).map((area) => [area.name, area.value]),
            ]"""
        )
    )


def save_and_continue(page: Any, resume: str, number: int, last: int) -> None:
    page.locator("button[value=next]").tap()
    page.wait_for_url(f"**/s/{resume}/{number + 1 if number < last else 'review'}")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_partner_answers_on_a_phone_stops_resumes_and_submits(
    lang: str, new_context, live_server: LiveServer, seed: Seed
) -> None:
    text = TEXT[lang]
    token = seed.open_token
    given: dict[int, dict[str, str]] = {}

    # The invitation link, in the language the phone asks for.
    phone = new_context(lang, phone=True)
    page = phone.new_page()
    page.goto(f"/r/{token}")
    assert page.locator("html").get_attribute("lang") == lang
    assert text["title"] in page.locator("h1").inner_text()
    page.get_by_role("button", name=text["start"]).tap()
    page.wait_for_url(re.compile(r"/s/[\w-]+/1$"))
    resume = page.url.rsplit("/", 2)[-2]

    for number in (1, 2):
        given[number] = answer_page(page, number)
        save_and_continue(page, resume, number, seed.sections)
    # Half-way through page 3, the tab is closed: what was saved stays.
    answer_page(page, 3, questions=2)
    page.close()

    # The same invitation link, in a new tab of the same browser, offers to continue.
    page = phone.new_page()
    page.goto(f"/r/{token}")
    page.get_by_role("link", name=text["continue"]).tap()
    page.wait_for_url(f"**/s/{resume}/3")
    for number in (1, 2):
        page.goto(f"/s/{resume}/{number}")
        assert checked(page) == given[number], f"page {number} lost its answers"
    page.goto(f"/s/{resume}/3")
    given[3] = answer_page(page, 3)
    page.get_by_role("button", name=text["later"]).tap()
    page.wait_for_url(f"**/s/{resume}/saved")
    assert page.locator("h1").inner_text() == text["saved"]
    personal_link = page.locator("#resume-link").input_value()
    assert personal_link == f"{live_server.url}/s/{resume}"
    phone.close()

    # Another phone: the personal link goes on from the first unanswered page.
    page = new_context(lang, phone=True).new_page()
    page.goto(personal_link)
    page.wait_for_url(f"**/s/{resume}/4")
    for number in (1, 2, 3):
        page.goto(f"/s/{resume}/{number}")
        assert checked(page) == given[number], f"page {number} lost its answers"
    for number in range(4, seed.sections + 1):
        page.goto(f"/s/{resume}/{number}")
        given[number] = answer_page(page, number)
        save_and_continue(page, resume, number, seed.sections)

    # Review, then submit.
    assert page.locator("h1").inner_text() == text["review"]
    assert page.locator("#error-summary").count() == 0
    assert page.get_by_text(given[seed.sections]["what_works"]).is_visible()
    page.get_by_role("button", name=text["submit"]).tap()
    page.wait_for_url(f"**/s/{resume}/done")
    assert page.locator("h1").inner_text() == text["thanks"]

    # Read-only from now on: no way to save or submit, and the link leads to the thanks.
    page.goto(f"/s/{resume}/1")
    assert page.locator("button[type=submit]").count() == 0
    assert page.locator("main .notice[role=status]").is_visible()
    assert checked(page) == given[1]
    page.goto(f"/s/{resume}/review")
    assert page.locator("button[type=submit]").count() == 0
    page.goto(personal_link)
    page.wait_for_url(f"**/s/{resume}/done")

    stored = stored_response(live_server, resume)
    assert stored["language"] == lang
    assert stored["submitted"]
    expected = {qid: value for answers in given.values() for qid, value in answers.items()}
    assert stored["answers"] == expected


def test_facilitator_signs_in_reads_the_dashboard_and_downloads_the_report(
    new_context, live_server: LiveServer, seed: Seed
) -> None:
    from survey.store.demo import DEMO_PARTNERSHIP

    page = new_context("en").new_page()
    page.goto("/")
    page.wait_for_url("**/login**")
    page.get_by_label("Email").fill(seed.email)
    page.get_by_label("Password").fill(seed.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.get_by_role("link", name=DEMO_PARTNERSHIP).click()
    page.wait_for_url(f"**/partnerships/{seed.partnership_id}")
    page.get_by_role("link", name=seed.closed_round_name, exact=True).click()
    page.wait_for_url(f"**/rounds/{seed.closed_round_id}")
    page.get_by_role("link", name="See the dashboard").click()
    page.wait_for_url(f"**/rounds/{seed.closed_round_id}/dashboard")
    assert seed.closed_round_name in page.locator("h1").inner_text()
    # The demo's closed round shows its findings, and plotly.js draws the charts.
    assert page.locator("details.finding").count() >= 3
    page.locator("#chart-radar.js-plotly-plot").wait_for()

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("link", name="report (PDF, English)").click()
    download = info.value
    assert download.suggested_filename.endswith("-en.pdf")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 2
    assert DEMO_PARTNERSHIP in " ".join(reader.pages[0].extract_text().split())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_dashboard_summary_is_above_the_fold_on_a_laptop(
    new_context, live_server: LiveServer, seed: Seed, facilitator_state: dict[str, Any], lang: str
) -> None:
    """At 1366×900 the verdict, its confidence and the three most severe findings are on the
    first screen, beside the radar, before any scrolling."""
    context = new_context(
        lang, viewport={"width": 1366, "height": 900}, storage_state=facilitator_state
    )
    page = context.new_page()
    page.goto(f"/language/{lang}")
    page.goto(f"/rounds/{seed.closed_round_id}/dashboard")
    page.locator("#chart-radar.js-plotly-plot").wait_for()
    for selector in (".summary-text .risk", ".summary-text .confidence-note"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, selector
    findings = page.locator(".summary-text details.finding")
    assert findings.count() == 3
    last = findings.nth(2).bounding_box()
    assert last is not None and last["y"] + last["height"] <= 900
    radar = page.locator("#chart-radar").bounding_box()
    assert radar is not None and radar["y"] < 900
    Path("test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=f"test-artifacts/dashboard-summary-{lang}-1366.png")
