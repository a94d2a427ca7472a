"""Why the API refuses a token, in words: for `doctor` and for whoever reads the audit log.

The verdict always comes from the real `TokenVerifier`; this module only explains its `Reason`
with the values involved (both audiences, how long ago the token expired, the key ids on offer).
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from ..jwt_auth import AuthError, AuthSettings, Claims, TokenVerifier, jws
from ..jwt_auth.errors import Reason
from ..jwt_auth.verifier import REQUIRED_CLAIMS
from .checks import duration
from .key_checks import algorithm_hint, bad_signature


@dataclass(frozen=True)
class Verdict:
    """What the API would do with a token: accept it (with these claims) or refuse it, and why."""

    reason: Reason | None
    explanation: str
    claims: Claims | None = None

    @property
    def accepted(self) -> bool:
        return self.claims is not None


@dataclass(frozen=True)
class Facts:
    """What an explanation may draw on: the token (unverified), the settings, the keys."""

    token: str
    header: dict[str, Any]
    payload: dict[str, Any]
    settings: AuthSettings
    key_algorithms: dict[str, str]
    now: float

    @property
    def leeway(self) -> str:
        return f"{self.settings.jwt_leeway_seconds} s of leeway"


def _segment(token: str, index: int) -> dict[str, Any]:
    """One JSON segment of a token, unverified; {} when it does not decode."""
    try:
        return jws.json_object(jws.decode_segment(token.split(".")[index]))
    except (IndexError, jws.MalformedJws):
        return {}


def _when(timestamp: object) -> str:
    if not isinstance(timestamp, int | float):
        return "an unreadable time"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _methods(facts: Facts) -> str:
    """How the token's session signed in, from its `amr` claim, as a reader names it."""
    amr = facts.payload.get("amr")
    if isinstance(amr, list) and amr:
        return "amr " + " ".join(str(method) for method in amr)
    return "no amr methods"


def _token_too_long(facts: Facts) -> str:
    return (
        f"The token is {len(facts.token)} characters; the API reads at most "
        f"{facts.settings.max_token_bytes} (MAX_TOKEN_BYTES). Is it a cookie or another "
        "credential pasted by mistake?"
    )


def _malformed(facts: Facts) -> str:
    if facts.token.count(".") != 2:
        return (
            f"Not a JWT: a JWT is three base64url parts joined by dots, this has "
            f"{facts.token.count('.') + 1}. Copy the whole token, without quotes."
        )
    return (
        "The token's payload or signature does not decode: each part must be base64url without "
        "padding, and the payload one JSON object naming each claim once."
    )


def _algorithm_not_allowed(facts: Facts) -> str:
    alg = facts.header.get("alg")
    return (
        f"The token is signed with {alg!r}; the API accepts only "
        f"{', '.join(facts.settings.jwt_algorithms)} (JWT_ALGORITHMS).{algorithm_hint(alg)}"
    )


def _unknown_kid(facts: Facts) -> str:
    return (
        f"The key id {facts.header.get('kid')!r} is not among the keys the API has "
        f"({', '.join(facts.key_algorithms) or 'none'}). The token was signed by another Better "
        "Auth instance or database (another BETTER_AUTH_SECRET, a reset jwks table), or its key "
        "was retired."
    )


def _algorithm_mismatch(facts: Facts) -> str:
    kid = facts.header.get("kid")
    return (
        f"The header says {facts.header.get('alg')!r}, but key {kid!r} is a "
        f"{facts.key_algorithms.get(str(kid), 'different')} key."
    )


def _expired(facts: Facts) -> str:
    exp = facts.payload.get("exp")
    ago = f", {duration(facts.now - exp)} ago" if isinstance(exp, int | float) else ""
    return (
        f"The token expired at {_when(exp)}{ago} ({facts.leeway}). Get a fresh one: the frontend "
        "renews tokens by itself."
    )


def _not_yet_valid(facts: Facts) -> str:
    nbf = facts.payload.get("nbf")
    late = isinstance(nbf, int | float) and nbf > facts.now + facts.settings.jwt_leeway_seconds
    claim = "nbf" if late else "iat"
    ahead = facts.payload.get(claim)
    by = f", {duration(ahead - facts.now)} from now" if isinstance(ahead, int | float) else ""
    return (
        f"The token is dated in the future ({claim} is {_when(ahead)}{by}; {facts.leeway}): the "
        "clock of the machine that issued it is ahead of this one's."
    )


def _wrong_audience(facts: Facts) -> str:
    return (
        f"The token's audience (aud) is {json.dumps(facts.payload.get('aud'))}; this API is "
        f"{json.dumps(facts.settings.jwt_audience)} (JWT_AUDIENCE). The frontend's and the "
        "backend's JWT_AUDIENCE must be equal."
    )


def _wrong_issuer(facts: Facts) -> str:
    return (
        f"The token's issuer (iss) is {json.dumps(facts.payload.get('iss'))}; this API accepts "
        f"{json.dumps(facts.settings.jwt_issuer)} (JWT_ISSUER). The frontend's and the backend's "
        "JWT_ISSUER must be equal."
    )


def _missing_claim(facts: Facts) -> str:
    required = [*REQUIRED_CLAIMS, "sid"]
    missing = [claim for claim in required if claim not in facts.payload]
    return (
        f"The token lacks {', '.join(missing) or 'a required claim'}: the API requires "
        f"{', '.join(required)} (sid: the session, so that a token dies with it)."
    )


def _claim_type(facts: Facts) -> str:
    try:
        Claims.model_validate(facts.payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, issue['loc']))}: {issue['msg'].lower()} "
            f"(the token has {json.dumps(issue['input'])})"
            for issue in error.errors()
        )
        return f"A claim has the wrong type: {problems}."
    return "A claim has the wrong type."


def _lifetime_too_long(facts: Facts) -> str:
    exp, iat = facts.payload.get("exp"), facts.payload.get("iat")
    lifetime = f"{duration(exp - iat)}" if isinstance(exp, int) and isinstance(iat, int) else "?"
    return (
        f"The token was issued to last {lifetime} (exp - iat); the API accepts at most "
        f"{duration(facts.settings.jwt_max_lifetime_seconds)} (JWT_MAX_LIFETIME_SECONDS) plus "
        f"{facts.leeway}: the frontend that issued it has a longer lifetime than this API expects."
    )


EXPLANATIONS: dict[Reason, Callable[[Facts], str]] = {
    Reason.NO_CREDENTIALS: lambda facts: (
        "The request has no bearer token: send it as Authorization: Bearer <token>."
    ),
    Reason.SEVERAL_AUTHORIZATION_HEADERS: lambda facts: (
        "The request has several Authorization headers; send exactly one."
    ),
    Reason.EMPTY_TOKEN: lambda facts: "The Authorization header says Bearer but no token follows.",
    Reason.TOKEN_TOO_LONG: _token_too_long,
    Reason.MALFORMED: _malformed,
    Reason.MALFORMED_HEADER: lambda facts: (
        "The header (the first part) is not base64url-encoded JSON."
    ),
    Reason.UNSUPPORTED_CRITICAL_HEADER: lambda facts: (
        f"The header marks {json.dumps(facts.header.get('crit'))} as critical (crit); the API "
        "supports no critical extensions."
    ),
    Reason.HEADER_KEY_REFERENCE: lambda facts: (
        "The header points at its own key (jwk, jku, x5u or x5c): the API never takes keys from "
        "the token."
    ),
    Reason.ALGORITHM_NOT_ALLOWED: _algorithm_not_allowed,
    Reason.MALFORMED_KID: lambda facts: (
        "The header's key id (kid) is not a short, non-empty string."
    ),
    Reason.UNKNOWN_KID: _unknown_kid,
    Reason.UNKNOWN_KID_UNCHECKED: lambda facts: (
        f"The key id {facts.header.get('kid')!r} is not among the keys the API has, and the API "
        "could not look it up just now: it fetched the key set for another unknown key id less "
        "than JWKS_REFETCH_COOLDOWN_SECONDS ago, or the endpoint failed. It answers 503 with "
        "Retry-After, not 401: try again after that many seconds. A rotated key verifies then."
    ),
    Reason.KID_REQUIRED: lambda facts: (
        "The token names no key (no kid) and the key set has several keys, so the API cannot "
        "tell which one signed it."
    ),
    Reason.ALGORITHM_MISMATCH: _algorithm_mismatch,
    Reason.NO_USABLE_KEYS: lambda facts: (
        "The API has no verification key: the key set is unreachable or unusable."
    ),
    Reason.BAD_SIGNATURE: lambda facts: bad_signature(facts.header.get("kid")),
    Reason.EXPIRED: _expired,
    Reason.NOT_YET_VALID: _not_yet_valid,
    Reason.WRONG_AUDIENCE: _wrong_audience,
    Reason.WRONG_ISSUER: _wrong_issuer,
    Reason.MISSING_CLAIM: _missing_claim,
    Reason.CLAIM_TYPE: _claim_type,
    Reason.LIFETIME_TOO_LONG: _lifetime_too_long,
    Reason.TOKEN_TYPE: lambda facts: (
        f"The header's typ is {json.dumps(facts.header.get('typ'))}: another kind of token. The "
        "API takes access tokens only (typ JWT or at+jwt, or none)."
    ),
    Reason.INVALID: lambda facts: (
        "PyJWT refused the token for a reason the API does not name; check its claims."
    ),
    Reason.REVOKED: lambda facts: (
        f"The token's session ({json.dumps(facts.payload.get('sid'))}) has ended: signed out, "
        "revoked, or ended by a password change or a deleted user. Its tokens are refused; sign "
        "in again for a new session."
    ),
    Reason.CLAIMS_CHANGED: lambda facts: (
        f"The user's claims changed after this token was made (its claims_version is "
        f"{json.dumps(facts.payload.get('claims_version', 0))}): a role granted or taken away. "
        "The session goes on: fetch a new token, which carries the new claims."
    ),
    Reason.REVOCATIONS_UNAVAILABLE: lambda facts: (
        "The API has no fresh revocation list (REVOCATIONS_URL did not answer with a valid one "
        "for REVOCATIONS_MAX_STALE_SECONDS) and REVOCATIONS_WHEN_STALE is refuse: is the "
        "frontend up, and its /api/auth/revocations reachable from the API?"
    ),
    Reason.NOT_OWNER: lambda facts: (
        "The token is valid, but for another user: only the user named in the path may call it."
    ),
    Reason.NOT_MEMBER: lambda facts: (
        f"The token is valid, but its active organization is "
        f"{json.dumps(facts.payload.get('org_id'))}, not the one in the path: only its members "
        "may call it, with it active. Switch to it (the organizations page), then fetch a new token."
    ),
    Reason.CLAIM_NOT_GRANTED: lambda facts: (
        "The token is valid, but lacks the claim value this endpoint requires."
    ),
    Reason.SECOND_FACTOR_REQUIRED: lambda facts: (
        f"The token is valid, but its session signed in with {_methods(facts)} only: this "
        "endpoint needs a second factor. Sign in again with the authenticator's code (turn "
        "two-factor sign-in on from the sessions page first), then fetch a new token."
    ),
}


class Explainer:
    """Turns the verifier's reasons into sentences with the values that caused them."""

    def __init__(self, settings: AuthSettings, key_algorithms: dict[str, str]) -> None:
        """`key_algorithms`: the key ids the API can verify with, and each key's algorithm."""
        self._settings = settings
        self._key_algorithms = key_algorithms

    def explain(self, reason: Reason, token: str, now: float | None = None) -> str:
        facts = Facts(
            token=token,
            header=_segment(token, 0),
            payload=_segment(token, 1),
            settings=self._settings,
            key_algorithms=self._key_algorithms,
            now=time.time() if now is None else now,
        )
        return EXPLANATIONS[reason](facts)


async def verdict(
    token: str, verifier: TokenVerifier, explainer: Explainer, now: float | None = None
) -> Verdict:
    """Verify `token` exactly as the API does; explain a refusal."""
    try:
        claims = await verifier.verify(token)
    except AuthError as error:
        when = time.time() if now is None else now
        return Verdict(error.reason, explainer.explain(error.reason, token, when))
    return Verdict(None, "The API accepts this token.", claims)
