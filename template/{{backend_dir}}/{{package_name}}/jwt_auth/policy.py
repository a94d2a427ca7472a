"""What a signed document must be to be trusted here, built once from the settings: who issues
it, whom it names, with which algorithms, and how much clock skew is forgiven."""

from dataclasses import dataclass
from typing import Any, Protocol


class PolicySettings(Protocol):
    """The settings a policy is built from (AuthSettings has them)."""

    @property
    def jwt_issuer(self) -> str: ...
    @property
    def jwt_audience(self) -> str: ...
    @property
    def jwt_algorithms(self) -> list[str]: ...
    @property
    def jwt_leeway_seconds(self) -> int: ...
    @property
    def jwt_max_lifetime_seconds(self) -> int: ...


@dataclass(frozen=True)
class VerificationPolicy:
    issuer: str
    audience: str
    algorithms: frozenset[str]
    leeway_seconds: int
    max_lifetime_seconds: int

    @classmethod
    def of(cls, settings: PolicySettings) -> "VerificationPolicy":
        return cls(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            algorithms=frozenset(settings.jwt_algorithms),
            leeway_seconds=settings.jwt_leeway_seconds,
            max_lifetime_seconds=settings.jwt_max_lifetime_seconds,
        )

    def names_us(self, payload: dict[str, Any]) -> bool:
        """Issued by our issuer, for our audience."""
        return payload.get("iss") == self.issuer and payload.get("aud") == self.audience

    def current(self, issued_at: object, expires_at: object, now: float) -> bool:
        """Whole-second `iat` and `exp` that make it valid at `now`, give or take the leeway."""
        if not isinstance(issued_at, int) or not isinstance(expires_at, int):
            return False
        return expires_at > now - self.leeway_seconds and issued_at <= now + self.leeway_seconds
