"""Authentication errors as RFC 6750 responses.

Each error carries a reason code for the audit log. Responses never include the token, the key id
or a library's message: a fixed description per status is all a caller learns.
"""

from fastapi import HTTPException, status


class AuthError(HTTPException):
    """Base of every refusal; `reason` is a short code for logs and metrics."""

    status_code = status.HTTP_401_UNAUTHORIZED
    detail = "Not authenticated"
    www_authenticate = "Bearer"

    def __init__(self, reason: str) -> None:
        self.reason = reason
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


class InsufficientScope(AuthError):
    status_code = status.HTTP_403_FORBIDDEN
    detail = "The access token does not allow this request"
    www_authenticate = 'Bearer error="insufficient_scope"'


class KeySourceUnavailable(AuthError):
    """No usable verification key (the JWKS endpoint is down and nothing is cached)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    detail = "Token verification is temporarily unavailable"
    retry_after_seconds = 30

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.headers = {**(self.headers or {}), "Retry-After": str(self.retry_after_seconds)}
