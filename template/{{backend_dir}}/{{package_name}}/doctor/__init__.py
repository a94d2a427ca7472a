"""`doctor`: checks the API's configuration, and explains why the API refuses a token.

The checks every mode makes are here and in `checks`; the key source's own checks are in the
module of the token mode (key_checks.py).
"""

from ..core.config import Settings
from .checks import Report, Status, describe_settings
from .key_checks import check_keys


async def check_configuration(settings: Settings, frontend_url: str) -> Report:
    """The settings, the key source (fetched as the API would), and the clocks."""
    report = Report()
    report.add("settings", Status.OK, describe_settings(settings))
    await check_keys(report, settings, frontend_url)
    return report


__all__ = ["Report", "Status", "check_configuration"]
