"""Response models of the protected endpoints."""

from typing import Any

from pydantic import BaseModel

from ..jwt_auth import Claims


class Caller(BaseModel):
    """Who called, as the verified token says."""

    user_id: str
    email: str | None
    # Whether the email was confirmed by a mailed link (Better Auth's emailVerified).
    email_verified: bool
    name: str | None
    # How the session signed in (RFC 8176): ["pwd"], ["pwd", "otp"] after a second factor.
    amr: list[str]
    # The active organization and the roles there (organizations), else None and [].
    org_id: str | None
    org_role: list[str]
    claims: dict[str, Any]

    @classmethod
    def of(cls, user: Claims) -> "Caller":
        return cls(
            user_id=user.sub,
            email=user.email,
            email_verified=user.email_verified is True,
            name=user.name,
            amr=list(user.amr or ()),
            org_id=user.org_id,
            org_role=list(user.org_role or ()),
            claims=user.custom_claims(),
        )


class EndpointResponse(BaseModel):
    """What the generated handlers return until you replace their placeholder."""

    endpoint: str
    caller: Caller
    placeholder: str
    received: Any = None
