"""Better Auth's rate limits, as the stack's frontend runs them: counted per client address, so
one client's failed sign-ins are refused past the limit while another client signs in; and what
the API fetches for as long as it runs is never limited."""

from .conftest import Person, Stack

WRONG_PASSWORD = "not-the-password"  # noqa: S105 (a test's password)


def test_failed_sign_ins_are_limited_per_client_and_never_lock_out_another(
    stack: Stack, person: Person
) -> None:
    """Better Auth allows 3 sign-ins per 10 s from one address."""
    wrong = {"email": person.email, "password": WRONG_PASSWORD}
    with stack.frontend_client() as guesser, stack.frontend_client() as owner:
        guesses = [
            guesser.post("/api/auth/sign-in/email", json=wrong).status_code for _ in range(4)
        ]
        assert guesses == [401, 401, 401, 429]
        right = {"email": person.email, "password": person.password}
        assert owner.post("/api/auth/sign-in/email", json=right).status_code == 200
        assert guesser.post("/api/auth/sign-in/email", json=right).status_code == 429


def test_what_the_api_fetches_for_ever_is_never_rate_limited(stack: Stack) -> None:
    """The API fetches the list every 2 s and the keys every few minutes, from one address, for
    as long as it runs; Better Auth's count only resets after a quiet window, so a limit on them
    would refuse the API one day. 150 fetches in a row (the default limit is 100 per 10 s)."""
    with stack.frontend_client() as client:
        lists = {client.get("/api/auth/revocations").status_code for _ in range(150)}
        # The key set exists in jwks mode only; in either mode it is never refused with a 429.
        keys = {client.get("/api/auth/jwks").status_code for _ in range(150)}
    assert lists == {200}, lists
    assert 429 not in keys, keys
