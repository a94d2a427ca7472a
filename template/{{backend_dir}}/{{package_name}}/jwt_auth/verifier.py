"""Verification of one bearer token: structure, header, key, signature, claims, types; and the
cache of tokens already verified, rechecked on every hit."""

import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Protocol

import jwt
from pydantic import ValidationError

from . import jws
from .claims import Claims
from .errors import AuthError, InvalidToken, Reason
from .key_source import open_key_source
from .policy import VerificationPolicy
from .revocations import RevocationFollower, open_revocations
from .settings import AuthSettings
from .token_cache import Verified, VerifiedTokens

REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
# `typ` values of access tokens (RFC 9068 and plain JWT); any other names another kind of token.
ACCESS_TOKEN_TYPES = frozenset({"jwt", "at+jwt", "application/at+jwt"})
MAX_KID_LENGTH = 256
# Headers that passed the checks, remembered: a handful in practice, one per signing key.
MAX_KNOWN_HEADERS = 64


class KeySource(Protocol):
    async def key_for(self, kid: str | None, alg: str) -> Any:
        """The verification key for a token's `kid` and `alg`, or raise an AuthError.

        The same key is the same object for as long as the key set holds it: a cached token is
        trusted only while its key is still the one `key_for` returns.
        """
        ...

    async def ready(self) -> bool:
        """Whether tokens can be verified now (the keys are loaded)."""
        ...


class _StrictJWT(jwt.PyJWT):
    """PyJWT, but a payload with a duplicate claim name is invalid instead of last-one-wins."""

    def _decode_payload(self, decoded: dict[str, Any]) -> dict[str, Any]:
        try:
            return jws.json_object(decoded["payload"])
        except jws.MalformedJws as error:
            raise jwt.DecodeError("invalid payload") from error


_FAILURE_REASONS: list[tuple[type[jwt.PyJWTError], Reason]] = [
    (jwt.ExpiredSignatureError, Reason.EXPIRED),
    (jwt.ImmatureSignatureError, Reason.NOT_YET_VALID),
    (jwt.InvalidAudienceError, Reason.WRONG_AUDIENCE),
    (jwt.InvalidIssuerError, Reason.WRONG_ISSUER),
    (jwt.MissingRequiredClaimError, Reason.MISSING_CLAIM),
    (jwt.InvalidSignatureError, Reason.BAD_SIGNATURE),
    (jwt.InvalidAlgorithmError, Reason.ALGORITHM_NOT_ALLOWED),
    (jwt.DecodeError, Reason.MALFORMED),
]


def _reason(error: jwt.PyJWTError) -> Reason:
    return next(
        (reason for kind, reason in _FAILURE_REASONS if isinstance(error, kind)), Reason.INVALID
    )


class TokenVerifier:
    """Turns a bearer token into `Claims`, or raises an `AuthError` with a reason code."""

    def __init__(
        self,
        settings: AuthSettings,
        keys: KeySource,
        revocations: RevocationFollower | None = None,
    ) -> None:
        self._keys = keys
        self.revocations = revocations
        cache_size = settings.jwt_cache_max_entries if settings.jwt_cache_enabled else 0
        self._verified = VerifiedTokens(cache_size, settings.jwt_cache_max_token_bytes)
        self.policy = VerificationPolicy.of(settings)
        self._leeway = self.policy.leeway_seconds  # read on every cached request
        self._max_token_bytes = settings.max_token_bytes
        self._jwt = _StrictJWT()
        self._known_headers: dict[str, tuple[str | None, str]] = {}

    async def ready(self) -> bool:
        return await self._keys.ready()

    async def revocations_usable(self) -> bool:
        """Whether the revocation list is fresh enough to check tokens (or not followed)."""
        if self.revocations is None:
            return True
        await self.revocations.refresh_if_stale()
        return self.revocations.list.usable()

    @property
    def cached_tokens(self) -> int:
        return len(self._verified)

    async def verify(self, token: str) -> Claims:
        claims = await self._verified_claims(token)
        if self.revocations is not None:
            # After the cache: a session that ends takes its cached tokens with it.
            await self.revocations.refresh_if_stale()
            self.revocations.list.check(claims.sid, claims.sub, claims.claims_version)
        return claims

    async def _verified_claims(self, token: str) -> Claims:
        # Cheap structural checks come first: PyJWT spends real CPU on oversized garbage.
        if len(token) > self._max_token_bytes:
            raise InvalidToken(Reason.TOKEN_TOO_LONG)
        if "=" in token:
            # base64url without padding (RFC 7515): one spelling per token, one cache entry.
            raise InvalidToken(Reason.MALFORMED)
        if not self._verified.max_entries:
            return (await self._verify_signed(token)).claims
        digest = VerifiedTokens.digest(token)
        cached = self._verified.get(digest)
        if cached is not None:
            if await self._still_valid(cached):
                return cached.claims
            self._verified.discard(digest)
        verified = await self._verify_signed(token)
        self._verified.put(token, digest, verified)
        return verified.claims

    async def _still_valid(self, cached: Verified) -> bool:
        """Rechecks what can change after a token was verified: the time, and the key set (a
        key rotated out or dropped takes its tokens with it). Any doubt means verify again."""
        now = time.time()
        claims = cached.claims
        if claims.exp <= now - self._leeway or claims.iat > now + self._leeway:
            return False
        if claims.nbf is not None and claims.nbf > now + self._leeway:
            return False
        try:
            return await self._keys.key_for(cached.kid, cached.alg) is cached.key
        except AuthError:
            return False

    async def _verify_signed(self, token: str) -> Verified:
        if token.count(".") != 2:
            raise InvalidToken(Reason.MALFORMED)
        kid, alg = self._checked_header(token.split(".", 1)[0])
        key = await self._keys.key_for(kid, alg)
        policy = self.policy
        try:
            payload = self._jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=policy.issuer,
                audience=policy.audience,
                leeway=policy.leeway_seconds,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason(error)) from None
        try:
            claims = Claims.model_validate(payload)
        except ValidationError:
            raise InvalidToken(Reason.CLAIM_TYPE) from None
        if claims.exp - claims.iat > policy.max_lifetime_seconds + policy.leeway_seconds:
            raise InvalidToken(Reason.LIFETIME_TOO_LONG)
        return Verified(claims, kid, alg, key)

    def _checked_header(self, segment: str) -> tuple[str | None, str]:
        """The `kid` and `alg` of a header that passes every check. A header that passed is
        remembered: every token signed by one key has the same header."""
        known = self._known_headers.get(segment)
        if known is not None:
            return known
        header = self._header(segment)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.policy.algorithms:
            raise InvalidToken(Reason.ALGORITHM_NOT_ALLOWED)
        kid = header.get("kid")
        if kid is not None and (not isinstance(kid, str) or not 0 < len(kid) <= MAX_KID_LENGTH):
            raise InvalidToken(Reason.MALFORMED_KID)
        if len(self._known_headers) >= MAX_KNOWN_HEADERS:
            del self._known_headers[next(iter(self._known_headers))]  # the oldest goes
        self._known_headers[segment] = (kid, alg)
        return kid, alg

    @staticmethod
    def _header(segment: str) -> dict[str, Any]:
        try:
            header = jws.header_of(segment)
        except jws.MalformedJws:
            raise InvalidToken(Reason.MALFORMED_HEADER) from None
        if "crit" in header:
            raise InvalidToken(Reason.UNSUPPORTED_CRITICAL_HEADER)
        if jws.KEY_REFERENCE_HEADERS & header.keys():
            raise InvalidToken(Reason.HEADER_KEY_REFERENCE)
        typ = header.get("typ")
        if typ is not None and (not isinstance(typ, str) or typ.lower() not in ACCESS_TOKEN_TYPES):
            raise InvalidToken(Reason.TOKEN_TYPE)
        return header


@asynccontextmanager
async def open_verifier(settings: AuthSettings) -> AsyncIterator[TokenVerifier]:
    """A verifier for the application's lifetime (opens and closes the key source, and the
    revocation list it follows unless REVOCATIONS_ENABLED is false)."""
    policy = VerificationPolicy.of(settings)
    async with AsyncExitStack() as stack:
        keys = await stack.enter_async_context(open_key_source(settings, policy.algorithms))
        revocations = None
        if settings.revocations_enabled:
            revocations = await stack.enter_async_context(
                open_revocations(settings, keys.key_for, policy)
            )
        yield TokenVerifier(settings, keys, revocations)
