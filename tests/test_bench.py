"""The benchmark script runs against the current template (a smoke run: its numbers mean little)."""

import sys

import pytest

from .conftest import TEMPLATE_ROOT, run

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
