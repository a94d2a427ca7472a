"""The one place a compact JWS is taken apart: three base64url segments, a header that is one
JSON object without duplicate members, and a payload that is one too."""

import base64
import binascii
import json
from typing import Any

# Header parameters that point at keys chosen by whoever made the token: never trusted or fetched.
KEY_REFERENCE_HEADERS = frozenset({"jwk", "jku", "x5u", "x5c"})


class MalformedJws(ValueError):
    """Not three segments, a segment that is not base64url, or a part that is not a JSON object."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def decode_segment(segment: str) -> bytes:
    """A base64url segment's bytes (RFC 7515: no padding in the token, so it is added here)."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error) as error:
        raise MalformedJws("not base64url") from error


def json_object(raw: bytes | str) -> dict[str, Any]:
    """One JSON object, whose member names each appear once."""
    try:
        value = json.loads(raw, object_pairs_hook=_reject_duplicates)
    except (ValueError, RecursionError) as error:
        raise MalformedJws("not JSON, or a member named twice") from error
    if not isinstance(value, dict):
        raise MalformedJws("not a JSON object")
    return value


def segments(token: str) -> tuple[str, str, str]:
    """The header, payload and signature segments of a compact JWS."""
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJws(f"{len(parts)} parts, not 3")
    header, payload, signature = parts
    return header, payload, signature


def header_of(segment: str) -> dict[str, Any]:
    """The header of a segment: a JSON object."""
    return json_object(decode_segment(segment))


def payload_of(segment: str) -> dict[str, Any]:
    """The payload of a segment: a JSON object."""
    return json_object(decode_segment(segment))
