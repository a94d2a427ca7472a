"""Request bodies: read only once the caller is authenticated.

FastAPI reads a `Body()` parameter before it runs any dependency, so a caller without a token
could make the API read (and hold) a large body before the 401. `JsonBody` is a dependency that
depends on the caller: the token is checked first, then the body is read.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from ..jwt_auth import CurrentUser


def _not_a_number(constant: str) -> float:
    # Python's json reads NaN and Infinity, which JSON does not have (they would come back null).
    raise ValueError(f"{constant} is not JSON")


async def json_body(request: Request, _: CurrentUser) -> dict[str, Any] | None:
    """The JSON object the caller sent, or None without a body."""
    raw = await request.body()
    if not raw:
        return None
    try:
        value = json.loads(raw, parse_constant=_not_a_number)
    except RecursionError:
        raise HTTPException(422, "The body is nested too deeply.") from None
    except ValueError:
        raise HTTPException(422, "The body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise HTTPException(422, "The body must be a JSON object.")
    return value


JsonBody = Annotated[dict[str, Any] | None, Depends(json_body)]
