"""Verification of the JWTs Better Auth issues, as FastAPI dependencies.

Protect an endpoint by asking for the caller:

    from .jwt_auth import CurrentUser

    @router.get("/api/me")
    async def me(user: CurrentUser) -> dict[str, str]:
        return {"user_id": user.sub}
"""

from .claims import CUSTOM_CLAIMS, Claims
from .dependencies import (
    ClaimRequirement,
    CurrentUser,
    MemberUser,
    OptionalUser,
    OwnerUser,
    SecondFactorUser,
    current_user,
    optional_user,
    require_claims,
    require_member,
    require_owner,
    require_second_factor,
)
from .errors import (
    AuthError,
    InsufficientAuthentication,
    InsufficientScope,
    InvalidRequest,
    InvalidToken,
    KeySourceUnavailable,
    MissingToken,
)
from .openapi import ProtectedRoute
from .settings import AuthSettings
from .verifier import TokenVerifier, open_verifier

__all__ = [
    "CUSTOM_CLAIMS",
    "AuthError",
    "AuthSettings",
    "ClaimRequirement",
    "Claims",
    "CurrentUser",
    "InsufficientAuthentication",
    "InsufficientScope",
    "InvalidRequest",
    "InvalidToken",
    "KeySourceUnavailable",
    "MemberUser",
    "MissingToken",
    "OptionalUser",
    "OwnerUser",
    "ProtectedRoute",
    "SecondFactorUser",
    "TokenVerifier",
    "current_user",
    "open_verifier",
    "optional_user",
    "require_claims",
    "require_member",
    "require_owner",
    "require_second_factor",
]
