"""The benchmark script runs against the current template (a smoke run: its numbers mean little)."""

import re
import subprocess
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


def smoke_run(script: str, project: SetUpProject) -> subprocess.CompletedProcess:
    """`python bench/<script> --quick` on a set-up project: it must succeed."""
    command = [sys.executable, f"bench/{script}", "--quick", "--project", str(project.path)]
    result = run(command, TEMPLATE_ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.mark.serial  # it floods a frontend, and times the API meanwhile
def test_overload_script_runs_and_prints_its_table(defaults_setup: SetUpProject) -> None:
    result = smoke_run("overload.py", defaults_setup)
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
    result = smoke_run("feed.py", defaults_setup)
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


@pytest.mark.serial  # it times a frontend
def test_capacity_script_counts_what_a_sign_in_and_a_token_cost(
    postgres_setup: SetUpProject,
) -> None:
    result = smoke_run("capacity.py", postgres_setup)
    costs = result.stdout.split("### What one request costs", 1)[1].split("###")[0]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in costs.splitlines() if "|" in line}
    sign_in, token = (
        rows["a sign-in (email and password)"],
        rows["a token fetch (a signed-in session)"],
    )
    # A sign-in writes its session to PostgreSQL and Redis; a token reads the session from Redis.
    assert all(int(count) > 0 for count in sign_in.strip("| ").split(" | ")[1:]), costs
    assert int(token.strip("| ").split(" | ")[2]) > 0, costs
    rates = result.stdout.split("### One `next start`", 1)[1]
    measured = [
        line
        for line in rates.splitlines()
        if line.startswith("| sign-ins") or line.startswith("| token")
    ]
    assert len(measured) == 2 and all(
        float(row.split(" | ")[1].replace(",", "")) > 0 for row in measured
    ), rates
