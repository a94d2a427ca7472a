"""Sessions that end reach the API within seconds: signing out refuses that session's tokens and
no other's, signing out everywhere refuses them all, and a password change that ends the other
sessions refuses theirs but not the changer's new one. Real Better Auth, real API, real database.
"""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from .conftest import TOKEN_PATH, Stack, sign_in, sign_up
from .test_api import METHOD, PATH, call

# The API fetches the list every 2 s (REVOCATIONS_INTERVAL_SECONDS): a token ended by a request is
# refused within that and 1 s more.
REFUSED_WITHIN_SECONDS = 3.0
# Sign-outs timed by the latency test (the template's production test times 20 through nginx),
# a quarter of the list's 2 s interval apart.
LATENCY_TRIES = 8
SIGN_OUT_SPACING_SECONDS = 0.5


def seconds_until_refused(stack: Stack, user_id: str, token: str) -> float:
    """From now until the API first refuses `token` (accepted until then, never anything else)."""
    started = time.monotonic()
    while time.monotonic() - started < 10:
        status = call(stack.api_url, METHOD, PATH, user_id, token).status_code
        if status == 401:
            return time.monotonic() - started
        assert status == 200, status
        time.sleep(0.02)
    raise AssertionError("the token is still accepted 10 s after its session ended")


def test_signing_out_refuses_that_sessions_tokens_and_no_others(stack: Stack) -> None:
    person = sign_up(stack)
    laptop, laptop_token = sign_in(stack, person.email, person.password)
    assert call(stack.api_url, METHOD, PATH, person.user_id, laptop_token).status_code == 200

    assert laptop.post("/api/auth/sign-out", json={}).status_code == 200
    assert seconds_until_refused(stack, person.user_id, laptop_token) <= REFUSED_WITHIN_SECONDS
    assert call(stack.api_url, METHOD, PATH, person.user_id, person.token).status_code == 200


def test_signing_out_everywhere_refuses_every_sessions_tokens(stack: Stack) -> None:
    person = sign_up(stack)
    _, laptop_token = sign_in(stack, person.email, person.password)

    assert person.session.post("/api/auth/revoke-sessions", json={}).status_code == 200
    for token in (person.token, laptop_token):
        assert seconds_until_refused(stack, person.user_id, token) <= REFUSED_WITHIN_SECONDS


def test_a_password_change_ends_the_other_sessions_but_not_the_changers(stack: Stack) -> None:
    person = sign_up(stack)
    _, laptop_token = sign_in(stack, person.email, person.password)
    change = {
        "currentPassword": person.password,
        "newPassword": "another-correct-horse",
        "revokeOtherSessions": True,
    }

    assert person.session.post("/api/auth/change-password", json=change).status_code == 200
    assert seconds_until_refused(stack, person.user_id, laptop_token) <= REFUSED_WITHIN_SECONDS
    # The changer goes on in a new session (Better Auth set its cookie): its tokens work.
    new_token = person.session.get(TOKEN_PATH).json()["token"]
    assert call(stack.api_url, METHOD, PATH, person.user_id, new_token).status_code == 200


def test_revocation_latency_over_many_sign_outs(stack: Stack) -> None:
    """From each sign-out's answer to the API's first 401 for that session's token, for
    LATENCY_TRIES sessions signed out a fraction of the list's interval apart, so that they fall
    at every point of the API's fetches (printed with -s)."""
    person = sign_up(stack)
    sessions = [sign_in(stack, person.email, person.password) for _ in range(LATENCY_TRIES)]
    signed_out_at: list[float] = []
    latencies: dict[int, float] = {}
    started = time.monotonic()
    while len(latencies) < LATENCY_TRIES:
        due = len(signed_out_at)
        if due < LATENCY_TRIES and time.monotonic() >= started + due * SIGN_OUT_SPACING_SECONDS:
            assert sessions[due][0].post("/api/auth/sign-out", json={}).status_code == 200
            signed_out_at.append(time.monotonic())
        for number, at in enumerate(signed_out_at):
            if number in latencies:
                continue
            status = call(stack.api_url, METHOD, PATH, person.user_id, sessions[number][1])
            if status.status_code == 401:
                latencies[number] = time.monotonic() - at
            else:
                assert status.status_code == 200, status.text
                assert time.monotonic() - at < 10, "still accepted 10 s after its sign-out"
        time.sleep(0.02)
    print(
        f"\nrevocation latency over {LATENCY_TRIES} sign-outs: min {min(latencies.values()):.2f} s, "
        f"median {statistics.median(latencies.values()):.2f} s, max {max(latencies.values()):.2f} s"
    )
    assert max(latencies.values()) <= REFUSED_WITHIN_SECONDS


def test_the_sessions_page_shows_every_session_past_better_auths_100(stack: Stack) -> None:
    """Better Auth lists at most 100 sessions; a person with more sees them all (and can end
    each: the page names every one)."""
    person = sign_up(stack)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: sign_in(stack, person.email, person.password), range(100)))
    page = person.session.get("/sessions")
    assert page.status_code == 200, page.text
    assert page.text.count('data-session="other"') == 100
    assert page.text.count('data-session="current"') == 1
