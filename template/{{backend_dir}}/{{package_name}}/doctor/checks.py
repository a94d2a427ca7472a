"""doctor's checks: one line each, and the clock comparison every token mode makes."""

import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from enum import StrEnum

import httpx

from ..core.config import Settings

# Closer than this, two clocks agree as far as an HTTP Date header (whole seconds) can tell.
CLOCK_AGREEMENT_SECONDS = 2


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    # Key ids the API can verify with, and each key's algorithm (for explaining refusals).
    key_algorithms: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(check.status is Status.FAIL for check in self.checks)

    def add(self, name: str, status: Status, detail: str) -> None:
        self.checks.append(Check(name, status, detail))


def duration(seconds: float) -> str:
    """12 s, 4 min 10 s, 2 h 5 min, 3 d 4 h: precise enough to tell skew from expiry."""
    seconds = int(abs(seconds))
    for unit, size, smaller, smaller_size in [
        ("d", 86400, "h", 3600),
        ("h", 3600, "min", 60),
        ("min", 60, "s", 1),
    ]:
        if seconds >= size:
            rest = (seconds % size) // smaller_size
            return f"{seconds // size} {unit}" + (f" {rest} {smaller}" if rest else "")
    return f"{seconds} s"


def describe_settings(settings: Settings) -> str:
    return (
        f"issuer {settings.jwt_issuer}, audience {settings.jwt_audience}, "
        f"{', '.join(settings.jwt_algorithms)}, {settings.jwt_leeway_seconds} s of leeway"
    )


def check_clock(report: Report, response: httpx.Response, leeway_seconds: int) -> None:
    """Compare this machine's clock with the frontend's, by its Date header."""
    try:
        their_time = parsedate_to_datetime(response.headers["date"]).timestamp()
    except (KeyError, TypeError, ValueError):
        report.add("clock", Status.WARN, "the frontend sent no Date header to compare clocks with")
        return
    skew = time.time() - their_time
    relation = f"{duration(skew)} {'ahead of' if skew > 0 else 'behind'} the frontend's"
    if abs(skew) <= CLOCK_AGREEMENT_SECONDS:
        report.add("clock", Status.OK, f"within {CLOCK_AGREEMENT_SECONDS} s of the frontend's")
    elif abs(skew) <= leeway_seconds:
        report.add(
            "clock",
            Status.WARN,
            f"this machine's clock is {relation}, within the {leeway_seconds} s of leeway",
        )
    else:
        report.add(
            "clock",
            Status.FAIL,
            f"this machine's clock is {relation}, more than the {leeway_seconds} s of leeway: "
            "fresh tokens will look expired or not yet valid; synchronise the clocks (NTP)",
        )
