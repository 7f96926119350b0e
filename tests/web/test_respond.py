"""The respondent's journey: invitation link, pages, resume link, review, submit, and misuse."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from survey.store.database import db
from survey.store.models import Answer, Invitation, Response, Round, utcnow
from tests.helpers import (
    answer_all,
    answer_rows,
    checked_values,
    complete_response,
    count,
    csrf_from,
    get_csrf,
    instrument,
    page_answers,
    page_count,
    path_of,
    response_row,
    save_page,
    sections,
    start_response,
    stored_answers,
    submit,
    text_of,
)

ANSWER_REQUIRED = "Answer this question to continue."
NOT_AN_OPTION = "Choose one of the options shown."
SUBMITTED_NOTICE = "Your answers have been submitted, so they can no longer be changed."
CLOSED_NOTICE = "This assessment is closed, so answers can no longer be changed."
NOT_FOUND = "We can't find that page"
EXPIRED = "This form has expired"

TRANSLATIONS = Path(__file__).resolve().parents[2] / "survey" / "web" / "translations"
FR_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"


def french(msgid: str) -> str:
    """The French catalog's translation of an interface text (skips if not available)."""
    if not FR_MO.exists():
        pytest.skip("French catalog not compiled (make translations compiles .po -> .mo)")
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    message = catalog.get(msgid)
    if message is None or not message.string or message.fuzzy:
        pytest.skip(f"{msgid!r} is not translated yet")
    return str(message.string)


@pytest.fixture
def survey_round(world):
    return world.round


@pytest.fixture
def token(survey_round) -> str:
    return survey_round.token("Police")


def q_text(text, lang: str = "en") -> str:
    return instrument().text(text, lang)


def question_texts(number: int, lang: str) -> list[str]:
    return [q_text(question.text, lang) for question in sections()[number - 1]]


def set_round(app, round_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(update(Round).where(Round.id == round_id).values(**values))
        db.session.commit()


# -- the journey --------------------------------------------------------------------------


def test_journey_in_english(app, client, token):
    q = instrument()
    welcome = client.get(f"/r/{token}")
    assert welcome.status_code == 200
    page = text_of(welcome)
    assert '<html lang="en">' in page
    assert q_text(q.title) in page
    assert "You are answering for Police" in page
    assert 'hreflang="fr"' in page  # the language choice

    resume = start_response(client, token)
    total = page_count()
    for number in range(1, total + 1):
        got = client.get(f"/s/{resume}/{number}")
        assert got.status_code == 200
        page = text_of(got)
        assert f"Page {number} of {total}" in page
        assert q_text(q.sections[number - 1].title) in page
        for text in question_texts(number, "en"):
            assert text in page
        response = save_page(client, resume, number, page_answers(number))
        assert response.status_code == 302
        expected = f"/s/{resume}/{number + 1}" if number < total else f"/s/{resume}/review"
        assert path_of(response.headers["Location"]) == expected

    review = text_of(client.get(f"/s/{resume}/review"))
    assert "Check your answers" in review
    assert "Agree" in review  # choice 4 of the agreement scale, by its label
    assert "Answer to what_works" in review
    assert "disabled" not in review.split("Submit my answers")[0].rsplit("<button", 1)[1]

    done = submit(client, resume)
    assert done.status_code == 302
    assert path_of(done.headers["Location"]) == f"/s/{resume}/done"
    thanks = text_of(client.get(f"/s/{resume}/done"))
    assert "Thank you" in thanks and "Your answers have been submitted." in thanks

    row = response_row(app, resume)
    assert row["submitted_at"] is not None and row["language"] == "en"
    stored = stored_answers(app, resume)
    assert stored == {k: v for n in range(1, total + 1) for k, v in page_answers(n).items()}


def test_journey_in_french(app, client, token):
    q = instrument()
    welcome = client.get(f"/r/{token}?lang=fr")
    page = text_of(welcome)
    assert '<html lang="fr">' in page
    assert q_text(q.title, "fr") in page
    assert q_text(q.title, "en") not in page
    assert 'hreflang="en"' in page
    # The choice is remembered: the same link without ?lang= stays in French.
    assert q_text(q.title, "fr") in text_of(client.get(f"/r/{token}"))

    resume = start_response(client, token, lang="fr")
    assert response_row(app, resume)["language"] == "fr"
    na_fr = q_text(q.scales["agreement"].na.label, "fr")
    for number in range(1, page_count() + 1):
        page = text_of(client.get(f"/s/{resume}/{number}"))
        assert '<html lang="fr">' in page
        assert q_text(q.sections[number - 1].title, "fr") in page
        for text in question_texts(number, "fr"):
            assert text in page
        for text in question_texts(number, "en"):
            if text not in question_texts(number, "fr"):
                assert text not in page, f"English text on French page {number}: {text}"
        if any(question.type == "likert" for question in sections()[number - 1]):
            assert na_fr in page
            assert "Strongly agree" not in page
        assert save_page(client, resume, number, page_answers(number)).status_code == 302

    review = text_of(client.get(f"/s/{resume}/review"))
    assert '<html lang="fr">' in review
    assert "En accord" in review  # option 4's French label
    assert q_text(q.sections[0].questions[0].text, "fr") in review
    assert submit(client, resume).status_code == 302
    done = text_of(client.get(f"/s/{resume}/done"))
    assert '<html lang="fr">' in done
    assert response_row(app, resume)["submitted_at"] is not None


def test_french_interface_words(client, token):
    page_of = french("Page %(number)s of %(total)s")
    save = french("Save and continue")
    required = french("Answer this question to continue.")
    resume = start_response(client, token, lang="fr")
    page = text_of(client.get(f"/s/{resume}/2"))
    assert page_of % {"number": 2, "total": page_count()} in page
    assert save in page
    assert "Save and continue" not in page
    # Error messages too are in the response's language.
    invalid = save_page(client, resume, 2, {})
    assert invalid.status_code == 422
    assert required in text_of(invalid)
    assert ANSWER_REQUIRED not in text_of(invalid)


def test_language_can_be_switched_on_every_page(app, client, token):
    resume = start_response(client, token, lang="fr")
    page = client.get(f"/s/{resume}/3").get_data(as_text=True)
    switch = f"/s/{resume}/language/en?page=3"
    assert switch in page
    response = client.get(switch)
    assert path_of(response.headers["Location"]) == f"/s/{resume}/3"
    assert response_row(app, resume)["language"] == "en"
    english = text_of(client.get(f"/s/{resume}/3"))
    assert '<html lang="en">' in english
    assert question_texts(3, "en")[0] in english
    # The choice follows the response to every page, including from another browser.
    assert '<html lang="en">' in text_of(app.test_client().get(f"/s/{resume}/1"))
    for target in ("review", "saved"):
        page = client.get(f"/s/{resume}/{target}").get_data(as_text=True)
        assert f"/s/{resume}/language/fr?to={target}" in page
    # An unknown language is refused, and changes nothing.
    assert client.get(f"/s/{resume}/language/de").status_code == 404
    assert response_row(app, resume)["language"] == "en"


def test_radio_groups_are_fieldsets_with_legends_and_na(client, token):
    resume = start_response(client, token)
    page = client.get(f"/s/{resume}/1").get_data(as_text=True)
    first = sections()[0][0]
    fieldset = re.search(
        rf'<fieldset class="question[^"]*" id="{first.id}"[^>]*>\s*'
        r"<legend>(.*?)</legend>(.*?)</fieldset>",
        page,
        re.S,
    )
    assert fieldset, "a likert question is a fieldset with a legend"
    assert q_text(first.text) in text_of_html(fieldset.group(1))
    options = re.findall(r'<input[^>]*type="radio"[^>]*>', fieldset.group(2))
    values = [re.search(r'value="([^"]*)"', o).group(1) for o in options]
    assert values == ["1", "2", "3", "4", "5", "na"]
    assert f'id="{first.id}-0"' in fieldset.group(2)
    assert f'for="{first.id}-5"' in fieldset.group(2)
    assert "Don’t know / not applicable" in text_of_html(fieldset.group(2))
    # The role question offers no "don't know".
    last = client.get(f"/s/{resume}/{page_count()}").get_data(as_text=True)
    assert 'name="partner_role" type="radio" value="na"' not in last
    assert 'value="na"' not in last


def text_of_html(fragment: str) -> str:
    import html

    return html.unescape(fragment)


def test_na_is_a_valid_answer(app, client, token):
    resume = start_response(client, token)
    data = {question.id: "na" for question in sections()[0]}
    assert save_page(client, resume, 1, data).status_code == 302
    assert set(stored_answers(app, resume).values()) == {"na"}


# -- validation ---------------------------------------------------------------------------


def test_required_questions_error_summary_and_messages(app, client, token):
    resume = start_response(client, token)
    questions = sections()[0]
    given = {q.id: "4" for q in questions[:2]}
    response = save_page(client, resume, 1, given)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert summary, "an error summary"
    assert page.index('class="error-summary"') < page.index("<form")  # at the top
    for question in questions[2:]:
        assert f'href="#{question.id}-0"' in summary.group(0)
        assert f'<p class="field-error" id="{question.id}-error">' in page
        assert re.search(
            rf'id="{question.id}"[^>]*aria-describedby="[^"]*{question.id}-error', page
        )
    for question in questions[:2]:
        assert f'href="#{question.id}-0"' not in summary.group(0)
        assert checked_values(page, question.id) == ["4"]
    assert ANSWER_REQUIRED in text_of(response)
    assert "<title>Error:" in page
    # The answers given were saved all the same.
    assert stored_answers(app, resume) == given


def test_value_not_among_options_is_refused_and_others_kept(app, client, token):
    resume = start_response(client, token)
    questions = sections()[0]
    data = page_answers(1, choice=2)
    bad = questions[0].id
    data[bad] = "7"
    response = save_page(client, resume, 1, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert NOT_AN_OPTION in text_of(response)
    assert f'href="#{bad}-0"' in page
    for question in questions[1:]:
        assert checked_values(page, question.id) == ["2"]
    assert checked_values(page, bad) == []
    stored = stored_answers(app, resume)
    assert bad not in stored
    assert stored == {q.id: "2" for q in questions[1:]}
    # A tampered value never replaces an answer already saved.
    assert save_page(client, resume, 1, page_answers(1, choice=5)).status_code == 302
    data = page_answers(1, choice=5)
    data[bad] = "1; DROP TABLE answer"
    assert save_page(client, resume, 1, data).status_code == 422
    assert stored_answers(app, resume)[bad] == "5"


def test_bad_values_for_a_required_radio(app, client, token):
    resume = start_response(client, token)
    question = sections()[0][0].id
    for value in ["", "6", "0", "NA", "na ", "4.0", "Agree", "x" * 10_000]:
        data = page_answers(1)
        data[question] = value
        assert save_page(client, resume, 1, data).status_code == 422, value
        assert question not in stored_answers(app, resume), value


def test_several_values_for_one_radio_question(app, client, token):
    resume = start_response(client, token)
    question = sections()[0][0].id
    url = f"/s/{resume}/1"
    data = [(k, v) for k, v in page_answers(1).items() if k != question]
    data += [(question, "2"), (question, "9"), ("csrf_token", get_csrf(client, url))]
    response = client.post(url, data=MultiDict(data))
    assert response.status_code in (302, 422)
    assert stored_answers(app, resume).get(question, "2") in {"1", "2", "3", "4", "5", "na"}


def test_overlong_text_is_refused_and_not_saved(app, client, token):
    resume = start_response(client, token)
    last = page_count()
    text_question = next(q for q in sections()[last - 1] if q.type == "text")
    assert text_question.max_length == 2000
    data = page_answers(last)
    data[text_question.id] = "é" * 2001
    response = save_page(client, resume, last, data)
    assert response.status_code == 422
    page = text_of(response)
    assert "Keep this answer under 2000 characters." in page
    assert "é" * 2001 in page  # kept in the form, to be shortened
    stored = stored_answers(app, resume)
    assert text_question.id not in stored
    assert stored["partner_role"] == data["partner_role"]
    # Exactly at the limit is fine.
    data[text_question.id] = "é" * 2000
    assert save_page(client, resume, last, data).status_code == 302
    assert stored_answers(app, resume)[text_question.id] == "é" * 2000


def test_clearing_an_optional_text_removes_it(app, client, token):
    resume = start_response(client, token)
    last = page_count()
    data = page_answers(last)
    assert save_page(client, resume, last, data).status_code == 302
    assert "what_works" in stored_answers(app, resume)
    data["what_works"] = "   "
    assert save_page(client, resume, last, data).status_code == 302
    assert "what_works" not in stored_answers(app, resume)


# -- save, resume, review -----------------------------------------------------------------


def test_save_and_finish_later_shows_resume_link(app, client, token):
    resume = start_response(client, token)
    response = save_page(client, resume, 1, page_answers(1), action="later")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/s/{resume}/saved"
    page = text_of(client.get(f"/s/{resume}/saved"))
    assert f"http://localhost/s/{resume}" in page
    assert len(stored_answers(app, resume)) == len(sections()[0])


def test_save_and_go_back(app, client, token):
    resume = start_response(client, token)
    answer = {sections()[1][0].id: "3"}
    response = save_page(client, resume, 2, answer, action="back")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/s/{resume}/1"
    assert stored_answers(app, resume) == answer


def test_resume_from_another_browser(app, client, token, new_client):
    resume = start_response(client, token)
    assert save_page(client, resume, 1, page_answers(1, choice=2)).status_code == 302
    partial = {q.id: "5" for q in sections()[1][:3]}
    assert save_page(client, resume, 2, partial, action="later").status_code == 302

    other = new_client()  # no cookies at all
    response = other.get(f"/s/{resume}")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/s/{resume}/2"
    page = other.get(f"/s/{resume}/2").get_data(as_text=True)
    for question in sections()[1]:
        expected = ["5"] if question.id in partial else []
        assert checked_values(page, question.id) == expected
    page1 = other.get(f"/s/{resume}/1").get_data(as_text=True)
    assert all(checked_values(page1, q.id) == ["2"] for q in sections()[0])
    # The other browser can carry on and save.
    assert save_page(other, resume, 2, page_answers(2)).status_code == 302
    assert len(stored_answers(app, resume)) == len(sections()[0]) + len(sections()[1])


def test_resume_when_everything_required_is_answered_goes_to_review(client, token, new_client):
    resume = start_response(client, token)
    answer_all(client, resume)
    response = new_client().get(f"/s/{resume}")
    assert path_of(response.headers["Location"]) == f"/s/{resume}/review"


def test_welcome_offers_to_continue_in_the_same_browser(client, token):
    resume = start_response(client, token)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert f'href="/s/{resume}"' in page
    assert "Continue where you left off" in text_of_html(page)


def test_several_representatives_share_one_link(app, client, token, new_client):
    first = start_response(client, token)
    second = start_response(new_client(), token)
    third = start_response(client, token)  # same browser, "start a new set of answers"
    assert len({first, second, third}) == 3
    # Resume tokens are secrets too: at least 128 bits, URL-safe.
    assert all(len(t) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in (first, second))
    rows = [response_row(app, r) for r in (first, second, third)]
    assert len({r["id"] for r in rows}) == 3
    assert len({r["partner_id"] for r in rows}) == 1


def test_review_lists_answers_and_missing_ones(app, client, token):
    resume = start_response(client, token)
    assert save_page(client, resume, 1, page_answers(1, choice=1)).status_code == 302
    review = client.get(f"/s/{resume}/review")
    assert review.status_code == 200
    page = text_of(review)
    assert "Strongly disagree" in page
    assert "Some required questions have no answer yet" in page
    assert "Not answered" in page
    assert f'href="/s/{resume}/2#{sections()[1][0].id}"' in page
    assert re.search(r"<button[^>]*disabled[^>]*>Submit my answers", page)
    # Submitting anyway (a hand-made POST) is refused.
    response = submit(client, resume)
    assert path_of(response.headers["Location"]) == f"/s/{resume}/review"
    assert response_row(app, resume)["submitted_at"] is None


# -- after submission, closed and draft rounds ---------------------------------------------


def test_after_submission_everything_is_read_only(app, client, token):
    resume = complete_response(client, token, choice=4)
    before = sorted(answer_rows(app, resume))
    submitted_at = response_row(app, resume)["submitted_at"]
    page = client.get(f"/s/{resume}/1")
    assert page.status_code == 200
    assert SUBMITTED_NOTICE in text_of(page)
    assert "Save and continue" not in text_of(page)
    csrf = csrf_from(page.get_data(as_text=True))
    response = client.post(
        f"/s/{resume}/1", data={**page_answers(1, choice=1), "csrf_token": csrf, "action": "next"}
    )
    assert response.status_code == 409
    assert SUBMITTED_NOTICE in text_of(response)
    assert sorted(answer_rows(app, resume)) == before
    review = text_of(client.get(f"/s/{resume}/review"))
    assert SUBMITTED_NOTICE in review and "Submit my answers" not in review
    assert path_of(client.get(f"/s/{resume}").headers["Location"]) == f"/s/{resume}/done"
    again = client.post(f"/s/{resume}/submit", data={"csrf_token": csrf})
    assert path_of(again.headers["Location"]) == f"/s/{resume}/done"
    assert response_row(app, resume)["submitted_at"] == submitted_at


def test_closed_round_is_read_only(app, client, token, survey_round, new_client):
    resume = start_response(client, token)
    assert save_page(client, resume, 1, page_answers(1, choice=3)).status_code == 302
    page_csrf = get_csrf(client, f"/s/{resume}/1")
    review_csrf = get_csrf(client, f"/s/{resume}/review")
    set_round(app, survey_round.id, status="closed")
    before = sorted(answer_rows(app, resume))

    welcome = text_of(new_client().get(f"/r/{token}"))
    assert "This assessment is closed" in welcome
    assert "Start" not in re.sub(r"<[^>]+>", " ", welcome).split()
    page = client.get(f"/s/{resume}/1")
    assert CLOSED_NOTICE in text_of(page)
    response = client.post(
        f"/s/{resume}/1",
        data={**page_answers(1, choice=1), "csrf_token": page_csrf, "action": "next"},
    )
    assert response.status_code == 409
    assert sorted(answer_rows(app, resume)) == before
    later = client.post(
        f"/s/{resume}/2",
        data={**page_answers(2), "csrf_token": page_csrf, "action": "later"},
    )
    assert later.status_code == 409
    assert sorted(answer_rows(app, resume)) == before
    # No new response can be started, and the open one cannot be submitted.
    responses = count(app, Response)
    start = client.post(f"/r/{token}/start", data={"csrf_token": review_csrf})
    assert start.status_code == 302
    assert count(app, Response) == responses
    answer_rows_before = count(app, Answer)
    assert client.post(f"/s/{resume}/submit", data={"csrf_token": review_csrf}).status_code == 302
    assert response_row(app, resume)["submitted_at"] is None
    assert count(app, Answer) == answer_rows_before


def test_round_past_its_closing_date_is_read_only(app, client, token, survey_round):
    resume = start_response(client, token)
    set_round(app, survey_round.id, closes_on=date.today() - timedelta(days=1))
    assert CLOSED_NOTICE in text_of(client.get(f"/s/{resume}/1"))
    assert save_page(client, resume, 1, page_answers(1)).status_code == 409
    assert stored_answers(app, resume) == {}


def test_draft_round_is_not_open_yet(app, client, token, survey_round):
    set_round(app, survey_round.id, status="draft")
    welcome = client.get(f"/r/{token}")
    assert welcome.status_code == 200
    assert "This assessment is not open yet" in text_of(welcome)
    csrf = get_csrf(client, "/login")
    response = client.post(f"/r/{token}/start", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/r/{token}"
    assert count(app, Response) == 0


# -- bad links and expired forms ----------------------------------------------------------


UNKNOWN = [
    "/r/unknown-token",
    "/r/unknown-token/start",
    "/s/unknown-resume",
    "/s/unknown-resume/1",
    "/s/unknown-resume/review",
    "/s/unknown-resume/done",
    "/s/unknown-resume/saved",
    "/s/unknown-resume/submit",
    "/s/unknown-resume/language/fr",
]


def test_unknown_tokens_answer_a_friendly_404(client):
    for path in UNKNOWN:
        if path.endswith(("/start", "/submit")):
            response = client.post(path, data={"csrf_token": get_csrf(client, "/login")})
        else:
            response = client.get(path)
        assert response.status_code == 404, path
        page = text_of(response)
        assert NOT_FOUND in page
        assert "ask them for a current one" in page


def test_revoked_link_answers_404(app, client, token, world):
    invitation = world.round.invitations["Police"]
    with app.app_context():
        db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id).values(revoked_at=utcnow())
        )
        db.session.commit()
    response = client.get(f"/r/{token}")
    assert response.status_code == 404
    assert NOT_FOUND in text_of(response)
    csrf = get_csrf(client, "/login")
    assert client.post(f"/r/{token}/start", data={"csrf_token": csrf}).status_code == 404
    assert count(app, Response) == 0


def test_page_number_out_of_range_is_404(client, token):
    resume = start_response(client, token)
    for number in (0, page_count() + 1, 10**6):
        assert client.get(f"/s/{resume}/{number}").status_code == 404


def test_page_post_without_valid_csrf_is_400_and_saves_nothing(app, client, token):
    resume = start_response(client, token)
    for csrf in [None, "", "not-a-token", "stale"]:
        data = {**page_answers(1), "action": "next"}
        if csrf == "stale":
            # A token from another browser's session.
            other = app.test_client()
            data["csrf_token"] = get_csrf(other, "/login")
        elif csrf is not None:
            data["csrf_token"] = csrf
        response = client.post(f"/s/{resume}/1", data=data)
        assert response.status_code == 400, csrf
        page = text_of(response)
        assert EXPIRED in page
        assert "Nothing from that form was saved" in page
        assert stored_answers(app, resume) == {}


def test_start_and_submit_need_csrf(app, client, token):
    client.get(f"/r/{token}")
    assert client.post(f"/r/{token}/start").status_code == 400
    assert count(app, Response) == 0
    resume = start_response(client, token)
    answer_all(client, resume)
    response = client.post(f"/s/{resume}/submit")
    assert response.status_code == 400
    assert EXPIRED in text_of(response)
    assert response_row(app, resume)["submitted_at"] is None


# -- two tabs, double clicks, concurrency -------------------------------------------------


def test_two_tabs_saving_the_same_page(app, client, token):
    resume = start_response(client, token)
    url = f"/s/{resume}/1"
    tab1, tab2 = get_csrf(client, url), get_csrf(client, url)
    first = client.post(url, data={**page_answers(1, choice=2), "csrf_token": tab1})
    second = client.post(url, data={**page_answers(1, choice=5), "csrf_token": tab2})
    assert (first.status_code, second.status_code) == (302, 302)
    rows = answer_rows(app, resume)
    assert sorted(rows) == sorted((q.id, "5") for q in sections()[0])


def test_double_submit_keeps_the_first_time(app, client, token):
    resume = start_response(client, token)
    answer_all(client, resume)
    url = f"/s/{resume}/review"
    tab1, tab2 = get_csrf(client, url), get_csrf(client, url)
    first = client.post(f"/s/{resume}/submit", data={"csrf_token": tab1})
    submitted_at = response_row(app, resume)["submitted_at"]
    assert submitted_at is not None
    second = client.post(f"/s/{resume}/submit", data={"csrf_token": tab2})
    assert path_of(first.headers["Location"]) == path_of(second.headers["Location"])
    assert response_row(app, resume)["submitted_at"] == submitted_at
    rows = answer_rows(app, resume)
    assert len(rows) == len({qid for qid, _ in rows})


def test_saving_in_one_tab_after_submitting_in_another(app, client, token):
    resume = start_response(client, token)
    answer_all(client, resume, choice=3)
    page_csrf = get_csrf(client, f"/s/{resume}/1")
    assert submit(client, resume).status_code == 302
    before = sorted(answer_rows(app, resume))
    response = client.post(
        f"/s/{resume}/1", data={**page_answers(1, choice=1), "csrf_token": page_csrf}
    )
    assert response.status_code == 409
    assert sorted(answer_rows(app, resume)) == before


THREADS = 6


def _run_together(app, prepare, act) -> list[int]:
    """Each thread: its own client; ``prepare(client)`` (e.g. GET the form), then all threads
    ``act(client, i, prepared)`` at the same moment. Returns the status codes."""
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = [0] * THREADS
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = app.test_client()
            prepared = prepare(client)
            barrier.wait(timeout=30)
            statuses[i] = act(client, i, prepared).status_code
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return statuses


def test_concurrent_saves_of_the_same_page(app, client, token):
    resume = start_response(client, token)
    url = f"/s/{resume}/1"
    values = ["1", "2", "3", "4", "5", "na"]

    def act(c, i, csrf):
        data = {q.id: values[i % len(values)] for q in sections()[0]}
        return c.post(url, data={**data, "csrf_token": csrf, "action": "next"})

    statuses = _run_together(app, lambda c: get_csrf(c, url), act)
    assert statuses == [302] * THREADS
    rows = answer_rows(app, resume)
    assert sorted(qid for qid, _ in rows) == sorted(q.id for q in sections()[0])
    # One tab's answers won, whole: every question holds the same value.
    assert len({value for _, value in rows}) == 1


def test_concurrent_submits(app, client, token):
    resume = start_response(client, token)
    answer_all(client, resume)
    before = sorted(answer_rows(app, resume))

    def act(c, i, csrf):
        return c.post(f"/s/{resume}/submit", data={"csrf_token": csrf})

    statuses = _run_together(app, lambda c: get_csrf(c, f"/s/{resume}/review"), act)
    assert statuses == [302] * THREADS
    assert response_row(app, resume)["submitted_at"] is not None
    assert sorted(answer_rows(app, resume)) == before


def test_concurrent_saves_and_submit(app, client, token):
    """Tabs saving page 1 while another submits: the response ends submitted, with one row per
    question, and saves after the submission are refused (409), never half-applied."""
    resume = start_response(client, token)
    answer_all(client, resume, choice=3)
    url = f"/s/{resume}/1"

    def prepare(c):
        return get_csrf(c, f"/s/{resume}/review")

    def act(c, i, csrf):
        if i == 0:
            return c.post(f"/s/{resume}/submit", data={"csrf_token": csrf})
        return c.post(url, data={**page_answers(1, choice=5), "csrf_token": csrf})

    statuses = _run_together(app, prepare, act)
    assert statuses[0] == 302
    assert set(statuses[1:]) <= {302, 409}
    assert response_row(app, resume)["submitted_at"] is not None
    rows = answer_rows(app, resume)
    assert len(rows) == len({qid for qid, _ in rows})
    page1 = {value for qid, value in rows if qid in {q.id for q in sections()[0]}}
    assert len(page1) == 1  # all from one save, never mixed


def test_concurrent_starts_create_one_response_each(app, token):
    def prepare(c):
        page = c.get(f"/r/{token}").get_data(as_text=True)
        return csrf_from(page)

    def act(c, i, csrf):
        return c.post(f"/r/{token}/start", data={"csrf_token": csrf, "lang": "en"})

    statuses = _run_together(app, prepare, act)
    assert statuses == [302] * THREADS
    assert count(app, Response) == THREADS


# -- headers ------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def respondent_urls(client, token) -> list[str]:
    resume = start_response(client, token)
    save_page(client, resume, 1, page_answers(1), action="later")
    urls = [
        f"/r/{token}",
        f"/s/{resume}/1",
        f"/s/{resume}/2",
        f"/s/{resume}/saved",
        f"/s/{resume}/review",
    ]
    other = start_response(client, token)
    answer_all(client, other)
    submit(client, other)
    return [*urls, f"/s/{other}/done"]


def test_respondent_pages_are_not_cached_and_carry_security_headers(client, token):
    for url in respondent_urls(client, token):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
        assert_security_headers(response, url)
        page = response.get_data(as_text=True)
        # The CSP forbids inline code and styles: the pages must not need them.
        for script in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in script or 'type="application/json"' in script, (url, script)
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url  # no inline event handlers


def test_redirects_and_errors_of_respondent_urls_are_not_cached(client, token):
    resume = start_response(client, token)
    for response in (client.get(f"/s/{resume}"), client.get("/r/nope"), client.get("/s/nope/1")):
        assert "no-store" in response.headers.get("Cache-Control", "")
        assert_security_headers(response, response.request.path)


def assert_security_headers(response, url: str) -> None:
    csp = _csp(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, url
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, url
    assert csp.get("frame-ancestors") == ["'none'"], url
    assert csp.get("object-src") == ["'none'"], url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "no-referrer", url


def test_facilitator_pages_carry_security_headers(client, world, login):
    login(client, world.owner)
    for url in (
        "/",
        f"/partnerships/{world.partnership.id}",
        f"/rounds/{world.round.id}",
        "/login",
        "/healthz",
    ):
        assert_security_headers(client.get(url), url)


def test_french_pages_hold_no_english_interface_text(client, token):
    """With the French catalog compiled, nothing the catalog translates shows up in English
    on a French respondent's pages (no falling back part-way)."""
    french("Save and continue")  # skips when the catalog is not compiled
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    english = [
        m.id
        for m in catalog
        if isinstance(m.id, str)
        and m.id
        and m.string
        and not m.fuzzy
        and m.string != m.id
        and len(m.id) >= 15
        and "%" not in m.id
    ]
    resume = start_response(client, token, lang="fr")
    save_page(client, resume, 1, page_answers(1), action="later")
    pages = {
        "welcome": client.get(f"/r/{token}"),
        "page": client.get(f"/s/{resume}/2"),
        "errors": save_page(client, resume, 2, {}),
        "saved": client.get(f"/s/{resume}/saved"),
        "review": client.get(f"/s/{resume}/review"),
    }
    answer_all(client, resume)
    submit(client, resume)
    pages["done"] = client.get(f"/s/{resume}/done")
    pages["locked"] = client.get(f"/s/{resume}/1")
    pages["not found"] = client.get("/r/no-such-link")
    found = [
        f"{name}: {msgid!r}"
        for name, response in pages.items()
        for msgid in english
        if msgid in text_of(response)
    ]
    assert not found, "English on French pages:\n" + "\n".join(found)


def test_database_refuses_a_second_answer_to_the_same_question(app, client, token):
    from sqlalchemy.exc import IntegrityError

    resume = start_response(client, token)
    save_page(client, resume, 1, page_answers(1))
    response_id = response_row(app, resume)["id"]
    question = sections()[0][0].id
    with app.app_context():
        db.session.add(Answer(response_id=response_id, question_id=question, value="1"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    assert [qid for qid, _ in answer_rows(app, resume)].count(question) == 1


# -- first-time users (issue 15, items 10, 11 and 17) -------------------------------------


def test_switching_language_on_a_page_keeps_what_was_ticked(app, client, token):
    resume = start_response(client, token, lang="en")
    page = client.get(f"/s/{resume}/2").get_data(as_text=True)
    switch = f"/s/{resume}/language/fr?page=2"
    # The switch is a button of the page's form, posted with the answers: not a bare link.
    assert re.search(rf'<button[^>]*form="answers"[^>]*formaction="{re.escape(switch)}"', page)
    assert re.search(r'<form id="answers"', page)
    ticked = dict(list(page_answers(2, choice=2).items())[:2])  # part of the page only
    response = client.post(switch, data={**ticked, "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/s/{resume}/2"
    assert response_row(app, resume)["language"] == "fr"
    assert stored_answers(app, resume) == ticked
    french_page = client.get(f"/s/{resume}/2")
    assert '<html lang="fr">' in text_of(french_page)
    shown = french_page.get_data(as_text=True)
    assert {name: checked_values(shown, name) for name in ticked} == {
        name: [value] for name, value in ticked.items()
    }


def test_switching_language_needs_the_page_token_to_save(app, client, token):
    resume = start_response(client, token, lang="en")
    response = client.post(f"/s/{resume}/language/fr?page=2", data=page_answers(2))
    assert response.status_code == 400
    assert stored_answers(app, resume) == {}
    assert response_row(app, resume)["language"] == "en"


def test_switching_language_after_submitting_changes_no_answer(app, client, token):
    resume = complete_response(client, token, choice=4)
    before = stored_answers(app, resume)
    page = client.get(f"/s/{resume}/2").get_data(as_text=True)
    switch = f"/s/{resume}/language/fr?page=2"
    assert f'href="{switch}"' in page  # read-only: a plain link, no form to submit
    response = client.post(switch, data={**page_answers(2, 1), "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert stored_answers(app, resume) == before
    assert response_row(app, resume)["language"] == "fr"


def test_welcome_says_this_device_already_submitted(app, client, token, new_client):
    resume = complete_response(client, token)
    page = client.get(f"/r/{token}")
    words = text_of(page)
    assert "Answers have already been submitted from this device for Police." in words
    assert f'href="/s/{resume}/review"' in page.get_data(as_text=True)
    assert "See the answers submitted" in words
    assert "Continue where you left off" not in words
    # Another person of the organisation, on the same device, may still start.
    assert "Start new answers" in words
    second = start_response(client, token)
    assert second != resume
    # Another device knows nothing of it.
    assert "already been submitted" not in text_of(new_client().get(f"/r/{token}"))


def test_welcome_says_once_how_answers_are_reported_and_how_long(client, token):
    for lang, minutes in (("en", "about 10 minutes"), ("fr", "environ 10 minutes")):
        words = text_of(client.get(f"/r/{token}?lang={lang}"))
        assert words.count(minutes) == 1, lang
        assert words.lower().count("10 minutes") == 1, lang
        never = "never" if lang == "en" else "jamais"
        assert words.count(never) == 1, (lang, words.count(never))
    resume = complete_response(client, token)
    for lang in ("en", "fr"):
        client.get(f"/s/{resume}/language/{lang}?to=done")
        words = text_of(client.get(f"/s/{resume}/done"))
        assert words.count("never" if lang == "en" else "jamais") == 1, lang


def test_going_back_a_page_says_so_in_french(client, token):
    resume = start_response(client, token, lang="fr")
    words = text_of(client.get(f"/s/{resume}/2"))
    assert "Enregistrer et revenir à la page précédente" in words
    assert "Enregistrer et revenir<" not in client.get(f"/s/{resume}/2").get_data(as_text=True)
