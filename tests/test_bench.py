"""The benchmark script runs against the current template (a smoke run: its numbers mean little)."""

import re
import sys

import pytest

from .conftest import TEMPLATE_ROOT, SetUpProject, run

pytestmark = pytest.mark.slow


def test_benchmark_script_runs_and_prints_every_table() -> None:
    result = run([sys.executable, "bench/run.py", "--quick"], TEMPLATE_ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for heading in [
        "### Render time (median)",
        "### Template structure",
        "### One verification",
        "### Rejecting oversized garbage tokens",
        "### HTTP, real uvicorn, one process",
        "### Revocation list: its cost per request",
        "### Revocation list: 100,000 ended sessions held",
        "### Scaling: uvicorn workers",
        "### Memory: RSS growth",
    ]:
        assert heading in result.stdout, heading
    assert "JWKS fetches during the one-process run (startup prefetch included): 1" in result.stdout
    # Every HTTP request was answered as expected (the non-2xx column of each endpoint is 0).
    http = result.stdout.split("### HTTP, real uvicorn, one process", 1)[1].split("JWKS")[0]
    rows = [line for line in http.splitlines() if line.startswith("| GET")]
    assert len(rows) == 3 and all(row.split(" | ")[5] == "0" for row in rows), http
    # With the list on, every request of the revocation table was answered too.
    listed = result.stdout.split("### Revocation list: its cost per request", 1)[1].split("###")[0]
    rows = [line for line in listed.splitlines() if line.startswith("| GET")]
    assert len(rows) == 3 and all(row.split(" | ")[5] == "0" for row in rows), listed


@pytest.mark.serial  # it floods a frontend, and times the API meanwhile
def test_overload_script_runs_and_prints_its_table(defaults_setup: SetUpProject) -> None:
    result = run(
        [sys.executable, "bench/overload.py", "--quick", "--project", str(defaults_setup.path)],
        TEMPLATE_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "### The frontend flooded for 5 s, 1,000 ended sessions on the list" in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 40 on")]
    assert len(rows) == 1, result.stdout
    # The list came, a valid token was answered (200) every time, the signed-out one refused (401).
    came, valid, _, revoked = rows[0].split(" | ")[2:6]
    assert re.fullmatch(r"\d+ of \d+; [\d.]+ / [\d.]+ s", came), rows[0]
    assert valid.endswith(" / 0") and revoked.endswith(" / 0"), rows[0]


@pytest.mark.serial  # it times a frontend under pollers
def test_feed_script_shows_change_lists_cost_less_than_whole_lists_and_lose_nothing(
    defaults_setup: SetUpProject,
) -> None:
    result = run(
        [sys.executable, "bench/feed.py", "--quick", "--project", str(defaults_setup.path)],
        TEMPLATE_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "### Following the revocation list: 1,000 ended sessions, 5 pollers" in result.stdout
    rows = {
        line.split(" | ")[0].lstrip("| "): line.split(" | ")
        for line in result.stdout.splitlines()
        if line.startswith("| whole") or line.startswith("| changes")
    }
    assert len(rows) == 3, result.stdout
    whole, changes, churn = rows.values()
    # Every poll answered; a change list is a fraction of the whole list's bytes; every session
    # ended meanwhile reached every poller.
    assert all(int(row[1]) > 0 and row[2] == "0" for row in rows.values()), result.stdout
    units = {"B": 1, "KiB": 2**10, "MiB": 2**20}
    per_poll = [
        float(row[4].split()[0].replace(",", "")) * units[row[4].split()[1]]
        for row in (whole, changes)
    ]
    assert per_poll[1] * 10 < per_poll[0], result.stdout
    heard_by_all = re.fullmatch(r"(\d+) of (\d+) \|", churn[7].strip())
    assert heard_by_all, result.stdout
    heard, ended = heard_by_all.groups()
    assert heard == ended != "0", result.stdout
