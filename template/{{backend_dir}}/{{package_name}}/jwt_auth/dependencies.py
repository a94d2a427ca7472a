"""FastAPI dependencies: who is calling, and may they?"""

import json
import logging
import re
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from .claims import Claims
from .errors import (
    AuthError,
    InsufficientAuthentication,
    InsufficientScope,
    InvalidRequest,
    InvalidToken,
    MissingToken,
    Reason,
)
from .verifier import TokenVerifier

audit_log = logging.getLogger("jwt_auth.audit")

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


def bearer_token(request: Request) -> str | None:
    """The bearer token of the one Authorization header, or None when there is none."""
    # The raw ASGI headers (names are lowercase): quicker than building `request.headers`.
    headers: list[tuple[bytes, bytes]] = request.scope["headers"]
    values = [value for name, value in headers if name == b"authorization"]
    if not values:
        return None
    if len(values) > 1:
        raise _audited(request, InvalidRequest(Reason.SEVERAL_AUTHORIZATION_HEADERS))
    scheme, _, token = values[0].decode("latin-1").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    token = token.strip()
    if not token:
        raise _audited(request, InvalidToken(Reason.EMPTY_TOKEN))
    return token


class BearerAuth(HTTPBearer):
    """The caller's verified claims, from the one `Authorization: Bearer` header.

    One dependency both declares the scheme (for /docs) and verifies the token: FastAPI spends
    several microseconds on each dependency it resolves, per request, so this is a single one.
    Like every dependency here it is async: FastAPI runs a plain `def` in its thread pool.
    """

    def __init__(self, *, required: bool) -> None:
        super().__init__(
            scheme_name="BetterAuthJWT",
            description="A JWT issued by Better Auth",
            auto_error=False,
        )
        self.required = required

    # HTTPBearer's __call__ returns the raw credentials; this one returns the verified claims.
    async def __call__(self, request: Request) -> Claims | None:  # type: ignore[override]
        token = bearer_token(request)
        if token is None:
            if self.required:
                raise _audited(request, MissingToken(Reason.NO_CREDENTIALS))
            return None
        verifier: TokenVerifier = request.app.state.token_verifier
        try:
            return await verifier.verify(token)
        except AuthError as error:
            raise _audited(request, error) from None


# The caller's claims, or 401. Override it in tests with `tests/tokens.py`'s `override_user`.
current_user = BearerAuth(required=True)
# The caller's claims, or None without credentials; a bad token is still refused.
optional_user = BearerAuth(required=False)
CurrentUser = Annotated[Claims, Depends(current_user)]
OptionalUser = Annotated[Claims | None, Depends(optional_user)]


async def require_owner(request: Request, user: CurrentUser, user_id: str) -> Claims:
    """For paths with a `{user_id}` parameter: only that user may call them."""
    if user.sub != user_id:
        raise _audited(request, InsufficientScope(Reason.NOT_OWNER))
    return user


OwnerUser = Annotated[Claims, Depends(require_owner)]


async def require_member(request: Request, user: CurrentUser, org_id: str) -> Claims:
    """For paths with an `{org_id}` parameter: only members of that organization, with it active
    in the session their token came from (the token's `org_id`)."""
    if user.org_id != org_id:
        raise _audited(request, InsufficientScope(Reason.NOT_MEMBER))
    return user


MemberUser = Annotated[Claims, Depends(require_member)]


def _has(actual: object, expected: object) -> bool:
    if isinstance(actual, tuple):
        return expected in actual
    return type(actual) is type(expected) and actual == expected


class ClaimRequirement:
    """A dependency that lets through only callers whose claims have these values (`expected`,
    readable by tests and tools that list what each endpoint requires)."""

    def __init__(self, expected: dict[str, object]) -> None:
        self.expected = expected

    async def __call__(self, request: Request, user: CurrentUser) -> Claims:
        for name, value in self.expected.items():
            if not _has(getattr(user, name, None), value):
                raise _audited(request, InsufficientScope(Reason.CLAIM_NOT_GRANTED, claim=name))
        return user


def require_claims(**expected: object) -> ClaimRequirement:
    """A dependency that lets through only callers whose claims have these values.

    Name claims by their field in `Claims` (snake_case). For a list claim, the value must be
    among the list's items. Example: `dependencies=[Depends(require_claims(role="admin"))]`.
    """
    return ClaimRequirement(expected)


async def require_second_factor(request: Request, user: CurrentUser) -> Claims:
    """Only callers whose session signed in with a second factor (`amr` has "otp", "hwk", "swk"
    or "mfa"). Example: `dependencies=[Depends(require_second_factor)]`."""
    if not user.second_factor:
        raise _audited(request, InsufficientAuthentication(Reason.SECOND_FACTOR_REQUIRED))
    return user


SecondFactorUser = Annotated[Claims, Depends(require_second_factor)]
