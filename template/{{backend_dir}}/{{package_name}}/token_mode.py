"""The seam between the shared code and its token mode.

A token mode is a set of modules under the same names in every mode; the shared code imports
only the names below from them. Adding a mode means writing these modules (and the test keys
that `tests/test_token_mode.py` names); that test checks this project's modules provide every
role, and mypy --strict checks their types.
"""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol, runtime_checkable

from pydantic_settings import BaseSettings

from .core.config import Settings
from .doctor.checks import Report
from .jwt_auth.settings import AuthSettings
from .jwt_auth.verifier import KeySource


@runtime_checkable
class KeySourceRole(Protocol):
    """jwt_auth/key_source.py: where verification keys come from, and the settings they need."""

    @property
    def KeySettings(self) -> type[BaseSettings]:  # noqa: N802 (a class the settings extend)
        """The settings of the key source; `AuthSettings` extends them."""
        ...

    def check_algorithms(self, value: list[str]) -> list[str]:
        """JWT_ALGORITHMS as this mode allows them, or ValueError saying what to write."""
        ...

    def open_key_source(
        self, settings: AuthSettings, algorithms: frozenset[str]
    ) -> AbstractAsyncContextManager[KeySource]:
        """The key source for the application's lifetime."""
        ...


@runtime_checkable
class KeyChecksRole(Protocol):
    """doctor/key_checks.py: doctor's checks of the key source, and its words for refusals."""

    async def check_keys(self, report: Report, settings: Settings, frontend_url: str) -> None:
        """Adds the key source's checks, then the clocks', to `report`."""
        ...

    def algorithm_hint(self, alg: object) -> str:
        """Why a token's algorithm cannot be this mode's, when it is a common mix-up."""
        ...

    def bad_signature(self, kid: object) -> str:
        """What a signature that does not match means in this mode."""
        ...


@runtime_checkable
class TokenCommandRole(Protocol):
    """cli/token.py: the `token` command, a real token to try the API with."""

    @property
    def token(self) -> Callable[..., None]: ...
