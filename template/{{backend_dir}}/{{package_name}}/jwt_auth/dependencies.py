"""FastAPI dependencies: who is calling, and may they?"""

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .claims import Claims
from .errors import (
    AuthError,
    InsufficientScope,
    InvalidRequest,
    InvalidToken,
    MissingToken,
    Reason,
)
from .verifier import TokenVerifier

audit_log = logging.getLogger("jwt_auth.audit")

# Declares the scheme in the OpenAPI document ("Authorize" in /docs); parsing is done below.
# Every dependency here is `async def`: none blocks, and FastAPI would run a plain `def` one in
# its thread pool, a thread hop per request.
bearer_scheme = HTTPBearer(auto_error=False, description="A JWT issued by Better Auth")


# A value written bare in the audit log; anything else is quoted, so a path cannot add fields.
_BARE = re.compile(r"[A-Za-z0-9_.:/@+-]+")


def _logfmt(**fields: object) -> str:
    """key=value pairs; a value with spaces, quotes, `=` or control characters is JSON-quoted."""
    return " ".join(
        f"{key}={text if _BARE.fullmatch(text) else json.dumps(text)}"
        for key, value in fields.items()
        if value is not None
        for text in [str(value)]
    )


def _audited(request: Request, error: AuthError) -> AuthError:
    """Log a refusal with its reason. Never the token, its header or the query string."""
    fields = _logfmt(
        status=error.status_code,
        reason=error.reason,
        method=request.method,
        path=request.url.path,
        client=request.client.host if request.client else "-",
        claim=error.claim,
    )
    audit_log.warning("auth refused: %s", fields)
    return error


async def get_token_verifier(request: Request) -> TokenVerifier:
    return request.app.state.token_verifier


async def bearer_token(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str | None:
    """The bearer token of the one Authorization header, or None when there is none."""
    values = request.headers.getlist("authorization")
    if not values:
        return None
    if len(values) > 1:
        raise _audited(request, InvalidRequest(Reason.SEVERAL_AUTHORIZATION_HEADERS))
    scheme, _, token = values[0].strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    if not token:
        raise _audited(request, InvalidToken(Reason.EMPTY_TOKEN))
    return token


BearerToken = Annotated[str | None, Depends(bearer_token)]
Verifier = Annotated[TokenVerifier, Depends(get_token_verifier)]


async def optional_user(request: Request, token: BearerToken, verifier: Verifier) -> Claims | None:
    """The caller's claims, or None without credentials. A bad token is still refused."""
    if token is None:
        return None
    try:
        return await verifier.verify(token)
    except AuthError as error:
        raise _audited(request, error) from None


async def current_user(
    request: Request, user: Annotated[Claims | None, Depends(optional_user)]
) -> Claims:
    if user is None:
        raise _audited(request, MissingToken(Reason.NO_CREDENTIALS))
    return user


CurrentUser = Annotated[Claims, Depends(current_user)]
OptionalUser = Annotated[Claims | None, Depends(optional_user)]


async def require_owner(request: Request, user: CurrentUser, user_id: str) -> Claims:
    """For paths with a `{user_id}` parameter: only that user may call them."""
    if user.sub != user_id:
        raise _audited(request, InsufficientScope(Reason.NOT_OWNER))
    return user


OwnerUser = Annotated[Claims, Depends(require_owner)]


def _has(actual: object, expected: object) -> bool:
    if isinstance(actual, list):
        return expected in actual
    return type(actual) is type(expected) and actual == expected


def require_claims(**expected: object) -> Callable[[Request, Claims], Awaitable[Claims]]:
    """A dependency that lets through only callers whose claims have these values.

    Name claims by their field in `Claims` (snake_case). For a list claim, the value must be
    among the list's items. Example: `dependencies=[Depends(require_claims(role="admin"))]`.
    """

    async def dependency(request: Request, user: CurrentUser) -> Claims:
        for name, value in expected.items():
            if not _has(getattr(user, name, None), value):
                raise _audited(request, InsufficientScope(Reason.CLAIM_NOT_GRANTED, claim=name))
        return user

    return dependency
