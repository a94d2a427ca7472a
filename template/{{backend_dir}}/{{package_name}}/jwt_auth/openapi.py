"""What protects each endpoint, written into the OpenAPI schema (/docs and the generated client).

The bearer scheme comes from `BearerAuth` (an `HTTPBearer`). The claims an endpoint requires and
its owner rule are read from its dependencies by `ProtectedRoute`, so the schema cannot disagree
with the code: `x-required-claims`, `x-owner-parameter`, `x-member-parameter`,
`x-requires-second-factor`, and a sentence
in the description.
"""

from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from .claims import Claims
from .dependencies import ClaimRequirement, require_member, require_owner, require_second_factor


def dependency_calls(dependant: Dependant) -> Iterator[object]:
    """What a route's dependencies call, at every depth."""
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from dependency_calls(dependency)


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class ProtectedRoute(APIRoute):
    """An `APIRoute` whose OpenAPI operation says which claims it requires and who owns it."""

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        calls = list(dependency_calls(self.dependant))
        required: dict[str, object] = {}
        for call in calls:
            if isinstance(call, ClaimRequirement):
                #  takes field names; readers of the schema see the token's names.
                required.update({Claims.token_name(name): v for name, v in call.expected.items()})
        rules = []
        extra: dict[str, Any] = {}
        if required:
            extra["x-required-claims"] = required
            shown = ", ".join(f"{name}={_shown(value)}" for name, value in required.items())
            rules.append(f"Requires a token with {shown}.")
        if require_owner in calls:
            extra["x-owner-parameter"] = "user_id"
            rules.append("Only the user named by `user_id` may call it.")
        if require_member in calls:
            extra["x-member-parameter"] = "org_id"
            rules.append("Only members of the organization named by `org_id`, with it active.")
        if require_second_factor in calls:
            extra["x-requires-second-factor"] = True
            rules.append("Requires a session that signed in with a second factor (`amr`).")
        if extra:
            self.openapi_extra = {**extra, **(self.openapi_extra or {})}
            self.description = "\n\n".join(part for part in [self.description, *rules] if part)
