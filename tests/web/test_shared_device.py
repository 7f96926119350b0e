"""On a shared device, a respondent can say "this is not my device" so that the next person
opening the same invitation is not offered their answers (issue 15, item 9)."""

from __future__ import annotations

from tests.helpers import (
    csrf_from,
    get_csrf,
    page_answers,
    path_of,
    save_page,
    start_response,
    text_of,
)


def test_this_is_not_my_device_from_the_saved_page(app, world):
    token = world.round.token("Police")
    device = app.test_client()
    resume = start_response(device, token)
    save_page(device, resume, 1, page_answers(1))
    saved = device.get(f"/s/{resume}/saved")
    assert "This is not my device" in text_of(saved)
    assert "Continue where you left off" in text_of(device.get(f"/r/{token}"))

    response = device.post(
        f"/s/{resume}/forget", data={"csrf_token": csrf_from(saved.get_data(as_text=True))}
    )
    assert path_of(response.headers["Location"]) == f"/s/{resume}/saved"
    assert "no longer offers these answers" in text_of(device.get(f"/s/{resume}/saved"))
    # The next person at this device sees only Start.
    welcome = text_of(device.get(f"/r/{token}"))
    assert "Continue where you left off" not in welcome and resume not in welcome
    # The answers are kept: the personal link still opens them, from any device.
    assert app.test_client().get(f"/s/{resume}/1").status_code == 200


def test_this_is_not_my_device_from_the_welcome_page(app, world):
    token = world.round.token("Police")
    device = app.test_client()
    resume = start_response(device, token)
    other_token = world.round.token("Housing")
    other = start_response(device, other_token)  # another invitation, also on this device
    welcome = device.get(f"/r/{token}")
    assert f"/s/{resume}/forget" in welcome.get_data(as_text=True)
    response = device.post(
        f"/s/{resume}/forget",
        data={"csrf_token": csrf_from(welcome.get_data(as_text=True)), "to": "welcome"},
    )
    assert path_of(response.headers["Location"]) == f"/r/{token}"
    assert "Continue where you left off" not in text_of(device.get(f"/r/{token}"))
    # Only that response is forgotten.
    assert f"/s/{other}" in device.get(f"/r/{other_token}").get_data(as_text=True)


def test_forgetting_needs_the_csrf_token_and_a_real_link(app, world):
    token = world.round.token("Police")
    device = app.test_client()
    resume = start_response(device, token)
    assert device.post(f"/s/{resume}/forget").status_code == 400
    assert "Continue where you left off" in text_of(device.get(f"/r/{token}"))
    csrf = get_csrf(device, f"/s/{resume}/saved")
    assert device.post("/s/not-a-link/forget", data={"csrf_token": csrf}).status_code == 404
