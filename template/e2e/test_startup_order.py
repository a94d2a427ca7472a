"""The API started before the frontend, as `npm run dev` starts them: its startup fetches of the
keys and of the revocation list find nothing, and its first calls, arriving together as the dashboard sends them, must all be
answered once the frontend is up, none refused because another call's key fetch was running."""

from concurrent.futures import ThreadPoolExecutor

from .conftest import Person, Stack, api_server, frontend_server
from .processes import free_port
from .test_api import METHOD, PATH, call

CONCURRENT_CALLS = 8


def test_api_started_before_the_frontend_answers_its_first_concurrent_calls(
    stack: Stack, person: Person
) -> None:
    frontend_port, api_port = free_port(), free_port()
    # A second frontend instance (same build, database and secrets) that starts after the API.
    env = {
        **stack.env,
        "JWKS_URL": f"http://localhost:{frontend_port}/api/auth/jwks",
        "REVOCATIONS_URL": f"http://localhost:{frontend_port}/api/auth/revocations",
    }
    api_url = f"http://localhost:{api_port}"
    with (
        api_server(env, api_port, stack.logs, "api-before-frontend"),
        frontend_server(env, frontend_port, stack.logs, "frontend-after-api"),
        ThreadPoolExecutor(CONCURRENT_CALLS) as pool,
    ):
        responses = list(
            pool.map(
                lambda _: call(api_url, METHOD, PATH, person.user_id, person.token),
                range(CONCURRENT_CALLS),
            )
        )
    assert [response.status_code for response in responses] == [200] * CONCURRENT_CALLS
