"""The whole questionnaire with the keyboard alone: Tab and Shift+Tab to move, Space and the
arrow keys to choose, typing for comments, Enter to press buttons and follow links. No mouse
click and no tap anywhere. Errors are announced: focus lands on the error summary, which links
to each question that needs an answer.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import LiveServer, Seed, stored_response

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    name: el.getAttribute("name") || "",
    value: el.getAttribute("value") || "",
    id: el.id,
    checked: !!el.checked,
    formAction: el.form ? el.form.getAttribute("action") || "" : "",
  };
}"""
MAX_TABS = 80  # a page of the questionnaire has about twenty stops


def focused(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(FOCUSED))


def tab_to(page: Any, wanted: Any, *, key: str = "Tab") -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element satisfies ``wanted``."""
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"{key} never reached the element wanted on {page.url}")


def is_next_button(element: dict[str, Any]) -> bool:
    return element["tag"] == "button" and element["value"] == "next"


def answer_page_by_keyboard(page: Any) -> dict[str, str]:
    """Tab through the page from the top, answering each question on the way, then press
    "Save and continue" with Enter. Returns the answers chosen, by question."""
    chosen: dict[str, str] = {}
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["type"] == "radio" and element["name"] not in chosen:
            # Tab enters a group on its first option: Space picks it, an arrow moves on to the
            # next option and picks that one instead.
            page.keyboard.press("Space")
            assert focused(page)["checked"], element
            page.keyboard.press("ArrowDown")
            moved = focused(page)
            assert moved["checked"] and moved["name"] == element["name"], moved
            assert moved["value"] != element["value"], moved
            chosen[moved["name"]] = moved["value"]
        elif element["tag"] == "textarea" and element["name"] not in chosen:
            page.keyboard.type("Said with the keyboard.")
            chosen[element["name"]] = "Said with the keyboard."
        elif is_next_button(element):
            page.keyboard.press("Enter")
            return chosen
    raise AssertionError(f"never reached 'Save and continue' on {page.url}")


def test_the_whole_questionnaire_with_the_keyboard_alone(
    new_context, live_server: LiveServer, seed: Seed
) -> None:
    page = new_context("en").new_page()
    page.goto(f"/r/{seed.open_token}")

    # The skip link is the first stop, and takes focus to the page's content.
    assert focused(page)["tag"] == "body"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    tab_to(page, lambda e: e["tag"] == "button" and e["formAction"].endswith("/start"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/s/[\w-]+/1$"))
    resume = page.url.rsplit("/", 2)[-2]

    # Saving page 1 with nothing chosen: the error summary takes focus, and links to each
    # question of the page.
    tab_to(page, is_next_button)
    page.keyboard.press("Enter")
    page.locator("#error-summary").wait_for()  # the answer to the POST: page 1 again
    page.wait_for_load_state()  # and its deferred script has run
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_attribute("tabindex") == "-1"
    questions = page.locator("fieldset.question")
    targets = [str(link.get_attribute("href")) for link in summary.locator("a").all()]
    assert targets == [f"#{fieldset.get_attribute('id')}-0" for fieldset in questions.all()]
    assert len(targets) == questions.count() > 0
    assert page.title().startswith("Error:")

    # Following the first link with Enter brings focus to the first question's first option.
    tab_to(page, lambda e: e["tag"] == "a")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == targets[0].lstrip("#")
    # Shift+Tab goes back up to the summary's link, from where the page is answered in order.
    assert focused(page)["tag"] != "a"
    tab_to(page, lambda e: e["tag"] == "a", key="Shift+Tab")

    given: dict[str, str] = {}
    for number in range(1, seed.sections + 1):
        questions = page.locator("fieldset.question, textarea").count()
        chosen = answer_page_by_keyboard(page)
        assert len(chosen) == questions, (number, chosen)
        given.update(chosen)
        page.wait_for_url(f"**/s/{resume}/{number + 1 if number < seed.sections else 'review'}")

    # The review: no missing answer, and the submit button is reached and pressed with Enter.
    assert page.locator("#error-summary").count() == 0
    tab_to(page, lambda e: e["tag"] == "button" and e["formAction"].endswith("/submit"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{resume}/done")
    assert page.locator("h1").inner_text() == "Thank you"
    stored = stored_response(live_server, resume)
    assert stored["submitted"] and stored["answers"] == given
