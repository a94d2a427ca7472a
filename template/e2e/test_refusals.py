"""The negative run: an API configured for another audience refuses the real token. (If these
passed with a 200, the other end-to-end tests would prove nothing.) An API with other keys refuses
it too: test_key_refusals.py."""

import httpx

from .conftest import Person, Stack, api_server
from .processes import free_port
from .test_api import METHOD, PATH, call


def refused_by_api_with(stack: Stack, person: Person, name: str, **settings: str) -> httpx.Response:
    port = free_port()
    with api_server({**stack.env, **settings}, port, stack.logs, name):
        return call(f"http://localhost:{port}", METHOD, PATH, person.user_id, person.token)


def test_api_expecting_another_audience_refuses_the_real_token(
    stack: Stack, person: Person
) -> None:
    response = refused_by_api_with(
        stack, person, "api-wrong-audience", JWT_AUDIENCE="https://other-api.example"
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
