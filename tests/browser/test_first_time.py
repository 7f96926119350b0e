"""A first-time partner on a phone (issue 15): the way in is seen without scrolling, switching
language half-way through a page keeps what was ticked, a device that has submitted says so,
and an error link shows the question it is about."""

from __future__ import annotations

import re
from typing import Any

import pytest

from . import axe
from .conftest import LiveServer, Seed, stored_response

pytestmark = pytest.mark.browser

START = {"en": "Start", "fr": "Commencer"}
OTHER = {"en": "fr", "fr": "en"}
OTHER_NAME = {"en": "Français", "fr": "English"}


def in_viewport(page: Any, selector: str) -> bool:
    """Whether the element is wholly inside the window, as scrolled now."""
    return bool(
        page.locator(selector).first.evaluate(
            """(element) => { const box = element.getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight; }"""
        )
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_start_is_seen_on_a_phone_without_scrolling(lang: str, new_context, seed: Seed) -> None:
    page = new_context(lang, phone=True).new_page()
    page.goto(f"/r/{seed.open_token}")
    start = page.get_by_role("button", name=START[lang], exact=True)
    assert start.is_visible()
    assert in_viewport(page, "form[action$='/start'] button")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_switching_language_half_way_through_a_page_keeps_the_ticks(
    lang: str, new_context, live_server: LiveServer, seed: Seed
) -> None:
    page = new_context(lang, phone=True).new_page()
    page.goto(f"/r/{seed.open_token}")
    page.get_by_role("button", name=START[lang], exact=True).tap()
    page.wait_for_url(re.compile(r"/s/[\w-]+/1$"))
    resume = page.url.rsplit("/", 2)[-2]
    ticked: dict[str, str] = {}
    for fieldset in page.locator("fieldset.question").all()[:3]:
        option = fieldset.locator(".option").nth(1)
        option.locator("label").tap()
        radio = option.locator("input")
        ticked[str(radio.get_attribute("name"))] = str(radio.get_attribute("value"))
    with page.expect_navigation(url=f"**/s/{resume}/1"):
        page.get_by_role("button", name=OTHER_NAME[lang]).tap()
    assert page.locator("html").get_attribute("lang") == OTHER[lang]
    shown = dict(
        page.evaluate(
            """() => Array.from(document.querySelectorAll("main input:checked"))
                .map((input) => [input.name, input.value])"""
        )
    )
    assert shown == ticked
    stored = stored_response(live_server, resume)
    assert stored["answers"] == ticked and stored["language"] == OTHER[lang]
    # No error shows for the questions not answered yet: switching is not "continue".
    assert page.locator("#error-summary").count() == 0


def test_a_device_that_submitted_says_so_and_offers_the_answers(
    new_context, live_server: LiveServer, seed: Seed, axe_source: str
) -> None:
    phone = new_context("en", phone=True, bypass_csp=True)  # CSP bypassed for axe
    page = phone.new_page()
    page.goto(f"/r/{seed.open_token}")
    page.get_by_role("button", name="Start", exact=True).tap()
    page.wait_for_url(re.compile(r"/s/[\w-]+/1$"))
    resume = page.url.rsplit("/", 2)[-2]
    # Answered and submitted through the pages (answers seeded directly are not this device's).
    for number in range(1, seed.sections + 1):
        for fieldset in page.locator("fieldset.question").all():
            fieldset.locator(".option label").nth(2).tap()
        page.locator("button[value=next]").tap()
        page.wait_for_url(f"**/s/{resume}/{number + 1 if number < seed.sections else 'review'}")
    page.get_by_role("button", name="Submit my answers").tap()
    page.wait_for_url(f"**/s/{resume}/done")
    assert stored_response(live_server, resume)["submitted"]

    page.goto(f"/r/{seed.open_token}")
    notice = page.locator(".notice")
    assert "already been submitted from this device" in notice.inner_text()
    axe.assert_no_violations(page, axe_source, f"{page.url} (already submitted)")
    page.get_by_role("link", name="See the answers submitted").tap()
    page.wait_for_url(f"**/s/{resume}/review")
    assert page.locator("form[action$='/submit']").count() == 0  # read-only
    page.go_back()
    assert page.get_by_role("button", name="Start new answers").is_visible()


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_an_error_link_shows_its_question(phone: bool, new_context, seed: Seed) -> None:
    page = new_context("en", phone=phone).new_page()
    page.goto(f"/s/{seed.in_progress['en']}/3")
    page.locator("button[value=next]").click()
    page.locator("#error-summary").wait_for()
    page.wait_for_load_state()
    links = page.locator("#error-summary a")
    assert links.count() >= 3
    link = links.nth(2)
    target = str(link.get_attribute("href"))
    link.click()
    assert page.evaluate("() => document.activeElement.id") == target.lstrip("#")
    question = page.locator(target).locator("xpath=ancestor::fieldset[1]")
    assert in_viewport(page, f"#{question.get_attribute('id')} legend")
    assert in_viewport(page, target)


def test_pages_with_tables_do_not_widen_a_phone(new_context, seed: Seed, facilitator_state) -> None:
    """Visually hidden text in a table cell once stretched the page sideways (the table scrolls
    in its own box; the page must not)."""
    page = new_context("en", phone=True, storage_state=facilitator_state).new_page()
    for path in ("/admin/facilitators", f"/rounds/{seed.open_round_id}"):
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
