"""The generated project's end-to-end suite, run for real: Better Auth's tokens accepted by the
API, a real browser, PostgreSQL for the postgres answer, and the negative run."""

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import TEMPLATE_ROOT, npm, render, run
from .test_frontend import FRONTEND_SETS

E2E_SETS = ["defaults", "shared-secret-postgres-two-claims"]
SCREENSHOTS = TEMPLATE_ROOT / "test-results" / "e2e-screenshots"


@pytest.mark.parametrize("name", E2E_SETS)
def test_generated_end_to_end_suite_passes(copie: Any, node_env: dict[str, str], name: str) -> None:
    answers = FRONTEND_SETS[name]
    project = render(copie, answers)
    npm(
        ["install", "--no-audit", "--no-fund"],
        project / answers.get("frontend_dir", "frontend"),
        node_env,
    )
    screenshots = SCREENSHOTS / name
    env = {**node_env, "E2E_SCREENSHOTS": str(screenshots)}
    # The generated README's command, with this environment's Python (it has the API's packages).
    result = run(
        [sys.executable, "-m", "pytest", "e2e", "-p", "no:cacheprovider", "-rA"],
        project,
        env=env,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b9 passed\b", summary) and "skipped" not in summary, summary
    for step in ["1-sign-up", "2-dashboard", "3-signed-out"]:
        assert (screenshots / f"{step}.png").stat().st_size > 1000, step
    readme = (project / "README.md").read_text()
    assert "python -m pytest e2e" in readme


def test_refusal_run_is_part_of_the_suite(default_project: Path) -> None:
    refusals = (default_project / "e2e/test_refusals.py").read_text()
    assert "JWT_AUDIENCE=" in refusals and "JWKS_URL=" in refusals
