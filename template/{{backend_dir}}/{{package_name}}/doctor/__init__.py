"""`doctor`: checks the API's configuration, and explains why the API refuses a token.

The checks every mode makes are here and in `checks`; the key source's own checks are in the
module of the token mode (key_checks.py).
"""

from ..core.config import Settings
from ..jwt_auth.key_source import open_key_source
from ..jwt_auth.policy import VerificationPolicy
from ..jwt_auth.revocations import open_revocations
from .checks import Report, Status, describe_settings
from .key_checks import check_keys


async def check_configuration(settings: Settings, frontend_url: str) -> Report:
    """The settings, the key source (fetched as the API would), the clocks, and the revocation
    list (fetched and verified as the API would)."""
    report = Report()
    report.add("settings", Status.OK, describe_settings(settings))
    await check_keys(report, settings, frontend_url)
    await check_revocations(report, settings)
    return report


async def check_revocations(report: Report, settings: Settings) -> None:
    if not settings.revocations_enabled:
        report.add(
            "sessions",
            Status.WARN,
            "the revocation list is off (REVOCATIONS_ENABLED=false): a session that ends keeps "
            "its tokens valid until they expire",
        )
        return
    # The API's own follower, fetching once: it sees what the API would.
    policy = VerificationPolicy.of(settings)
    async with (
        open_key_source(settings, policy.algorithms) as keys,
        open_revocations(settings, keys.key_for, policy, follow=False) as follower,
    ):
        failure = follower.last_failure
    if failure is None:
        count = len(follower.list.held.sessions)
        report.add("sessions", Status.OK, f"{follower.url}: a valid list, {count} ended session(s)")
        return
    report.add(
        "sessions",
        Status.FAIL,
        f"{follower.url}: no valid revocation list ({failure}); the API refuses every token with "
        f"503 once it has had none for {settings.revocations_max_stale_seconds:g} s. Is the "
        "frontend up, at REVOCATIONS_URL, signing with the key (or secret) the API trusts, for the "
        "same JWT_ISSUER and JWT_AUDIENCE?",
    )


__all__ = ["Report", "Status", "check_configuration", "check_revocations"]
