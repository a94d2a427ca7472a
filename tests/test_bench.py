"""The benchmark script runs against the current template (a smoke run: its numbers mean little)."""

import sys

from .conftest import TEMPLATE_ROOT, run


def test_benchmark_script_runs_and_prints_every_table() -> None:
    result = run([sys.executable, "bench/run.py", "--quick"], TEMPLATE_ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for heading in [
        "### Render time (median)",
        "### Template structure",
        "### One verification",
        "### Rejecting oversized garbage tokens",
        "### HTTP, real uvicorn, wrk",
    ]:
        assert heading in result.stdout, heading
    # Files both token modes share never branch on the mode: every mode-specific part is a file.
    assert "| `token_mode` branches (`==`, `!=`) in files both modes share | 0 in 0 files |" in (
        result.stdout
    )
    assert "JWKS fetches during the HTTP run (startup prefetch included): 1" in result.stdout
