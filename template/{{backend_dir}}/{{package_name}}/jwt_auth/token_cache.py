"""Tokens this process has verified, so that a token sent again is not verified again.

A browser sends the same token with every request for its whole life (minutes), and its
signature check is most of what a protected request costs. An entry holds the claims and the key
that verified them; the verifier rechecks on every hit what time and the key set can change.

Entries are keyed by the token's SHA-256, so the cache holds no token, and a token that differs
by one byte is a different entry. The LRU is an OrderedDict: a hit is two C calls.
"""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .claims import Claims


@dataclass(frozen=True, slots=True)
class Verified:
    """A token that passed every check: its claims, and the key (by `kid` and `alg`) it was
    verified with."""

    claims: Claims
    kid: str | None
    alg: str
    key: Any


class VerifiedTokens:
    """A bounded LRU of verified tokens. `max_entries=0` turns it off."""

    def __init__(self, max_entries: int, max_token_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_token_bytes = max_token_bytes
        self._entries: OrderedDict[bytes, Verified] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def digest(token: str) -> bytes:
        return hashlib.sha256(token.encode()).digest()

    def get(self, digest: bytes) -> Verified | None:
        entry = self._entries.get(digest)
        if entry is not None:
            self._entries.move_to_end(digest)
        return entry

    def put(self, token: str, digest: bytes, entry: Verified) -> None:
        """Keep a verified token, unless it is over the size limit or the cache is off."""
        if self.max_entries == 0 or len(token) > self.max_token_bytes:
            return
        self._entries[digest] = entry
        if len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def discard(self, digest: bytes) -> None:
        self._entries.pop(digest, None)
