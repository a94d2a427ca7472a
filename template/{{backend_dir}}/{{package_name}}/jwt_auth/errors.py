"""Authentication errors as RFC 6750 responses, and the reasons behind them.

Each error carries a `Reason` for the audit log. Responses never include the token, the key id or
a library's message: a fixed description per status is all a caller learns.
"""

from enum import StrEnum

from fastapi import HTTPException, status


class Reason(StrEnum):
    """Why a request was refused: the code in the audit log, and what `doctor` explains."""

    NO_CREDENTIALS = "no_credentials"
    SEVERAL_AUTHORIZATION_HEADERS = "several_authorization_headers"
    EMPTY_TOKEN = "empty_token"  # noqa: S105 (a reason code, not a password)
    TOKEN_TOO_LONG = "token_too_long"  # noqa: S105 (a reason code)
    MALFORMED = "malformed"
    MALFORMED_HEADER = "malformed_header"
    UNSUPPORTED_CRITICAL_HEADER = "unsupported_critical_header"
    HEADER_KEY_REFERENCE = "header_key_reference"
    ALGORITHM_NOT_ALLOWED = "algorithm_not_allowed"
    MALFORMED_KID = "malformed_kid"
    UNKNOWN_KID = "unknown_kid"
    UNKNOWN_KID_UNCHECKED = "unknown_kid_unchecked"
    KID_REQUIRED = "kid_required"
    ALGORITHM_MISMATCH = "algorithm_mismatch"
    NO_USABLE_KEYS = "no_usable_keys"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_ISSUER = "wrong_issuer"
    MISSING_CLAIM = "missing_claim"
    CLAIM_TYPE = "claim_type"
    LIFETIME_TOO_LONG = "lifetime_too_long"
    TOKEN_TYPE = "token_type"  # noqa: S105 (a reason code)
    INVALID = "invalid"
    REVOKED = "revoked"
    CLAIMS_CHANGED = "claims_changed"
    REVOCATIONS_UNAVAILABLE = "revocations_unavailable"
    NOT_OWNER = "not_owner"
    NOT_MEMBER = "not_member"
    CLAIM_NOT_GRANTED = "claim_not_granted"
    SECOND_FACTOR_REQUIRED = "second_factor_required"


class AuthError(HTTPException):
    """Base of every refusal; `reason` says why, for logs and metrics."""

    status_code = status.HTTP_401_UNAUTHORIZED
    detail = "Not authenticated"
    www_authenticate = "Bearer"

    def __init__(self, reason: Reason, *, claim: str | None = None) -> None:
        self.reason = reason
        self.claim = claim  # the claim a CLAIM_NOT_GRANTED refusal is about
        super().__init__(
            status_code=self.status_code,
            detail=self.detail,
            headers={"WWW-Authenticate": self.www_authenticate},
        )


class MissingToken(AuthError):
    """No bearer credentials: RFC 6750 section 3.1 says to send no error code."""


class InvalidRequest(AuthError):
    status_code = status.HTTP_400_BAD_REQUEST
    detail = "Malformed authorization request"
    www_authenticate = 'Bearer error="invalid_request"'


class InvalidToken(AuthError):
    detail = "The access token is invalid or expired"
    www_authenticate = (
        'Bearer error="invalid_token", error_description="The access token is invalid or expired"'
    )


class StaleClaims(InvalidToken):
    """The token's session goes on, but the user's claims changed after it was issued (a role
    granted or taken away): a new token of the same session carries the new ones. Still a 401
    `invalid_token` (RFC 6750), which clients answer by fetching a new token; the description says
    that this one will do, without signing in again."""

    detail = "The access token's claims have changed: fetch a new token"
    www_authenticate = (
        'Bearer error="invalid_token", '
        'error_description="The claims have changed: fetch a new token"'
    )


class InsufficientScope(AuthError):
    status_code = status.HTTP_403_FORBIDDEN
    detail = "The access token does not allow this request"
    www_authenticate = 'Bearer error="insufficient_scope"'


class InsufficientAuthentication(AuthError):
    """The token is valid, but its session did not sign in the way this endpoint requires (a
    second factor). The error code is RFC 9470's; the status stays 403, as for a missing claim: a
    new token of the same session would not help, signing in with the second factor does."""

    status_code = status.HTTP_403_FORBIDDEN
    detail = "This request needs a session that signed in with a second factor"
    www_authenticate = (
        'Bearer error="insufficient_user_authentication", '
        'error_description="Sign in with a second factor to use this endpoint"'
    )


class KeySourceUnavailable(AuthError):
    """The token cannot be checked now: no usable verification key (the JWKS endpoint is down and
    nothing is cached), or its key id could not be looked up yet. `retry_after`: whole seconds
    until it can."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    detail = "Token verification is temporarily unavailable"

    def __init__(self, reason: Reason, *, retry_after: int = 30) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.headers = {**(self.headers or {}), "Retry-After": str(retry_after)}
