"""The rendered frontend installs, passes its formatter, type checker and tests, migrates a fresh
database and builds, on Node 24 (installed from the npm registry into .tools/)."""

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from .conftest import generate_api_client, npm, render, run

pytestmark = pytest.mark.slow

FRONTEND_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "shared-secret-postgres-two-claims": {
        "token_mode": "shared_secret",
        "database": "postgres",
        "custom_claims": ["role: str = user", "tier: int = 1"],
        "protected_endpoints": [
            "GET /api/me",
            "GET /api/{user_id}/projects/{project_id}",
            "POST /api/{user_id}/projects",
            "GET /api/admin/stats [role=admin, tier=3]",
            "GET /api/billing [email_verified=true]",
        ],
    },
    "es256-secrets-dir-list-and-bool-claims": {
        "jwt_algorithm": "ES256",
        "secret_location": "secrets_dir",
        "frontend_dir": "web",
        "custom_claims": ["groups: list[str] = [staff]", "verified: bool = false"],
        "protected_endpoints": ["GET /api/me", "DELETE /api/{user_id}/sessions [verified=true]"],
    },
}


@pytest.mark.parametrize("name", FRONTEND_SETS)
def test_frontend_installs_checks_tests_migrates_and_builds(
    copie: Any, node_env: dict[str, str], name: str
) -> None:
    answers = FRONTEND_SETS[name]
    frontend = render(copie, answers) / answers.get("frontend_dir", "frontend")
    if answers.get("secret_location") == "secrets_dir":
        # As the README says: one file per secret, here in a folder SECRETS_DIR points at.
        secrets_dir = frontend.parent / "secrets"
        secrets_dir.mkdir()
        (secrets_dir / "better_auth_secret").write_text(secrets.token_hex(32))
        node_env = {**node_env, "SECRETS_DIR": str(secrets_dir)}

    if name == "defaults":
        # Exactly the generated README's commands (cd, npm ci, npm run db:migrate).
        readme = (frontend.parent / "README.md").read_text()
        block = re.search(r"\n## Frontend\n+```bash\n(.*?)```", readme, re.DOTALL).group(1)
        result = run(["bash", "-e", "-c", block], frontend.parent, env=node_env, timeout=900)
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        assert "created table jwks" in result.stdout
    else:
        npm(["ci", "--no-audit", "--no-fund"], frontend, node_env)  # its lock matches
    # The API client is generated from the backend's schema (a new project's `npm run setup`).
    generate_api_client(frontend.parent, node_env, frontend.name)
    npm(["run", "format:check"], frontend, node_env)
    npm(["run", "typecheck"], frontend, node_env)
    tests = npm(["test"], frontend, node_env)
    assert re.search(r"Tests\s+\d+ passed", re.sub(r"\x1b\[[0-9;]*m", "", tests)), tests
    if answers.get("database", "sqlite") == "sqlite":
        if name != "defaults":
            assert "created table jwks" in npm(["run", "db:migrate"], frontend, node_env)
        assert "Database is up to date." in npm(["run", "db:migrate"], frontend, node_env)
    build = npm(["run", "build"], frontend, node_env)
    assert "/api/auth/[...all]" in build and "/dashboard" in build


def test_package_versions_are_exact_and_node_is_pinned(default_project: Path) -> None:
    import json

    package = json.loads((default_project / "frontend/package.json").read_text())
    versions = {**package["dependencies"], **package["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions.values()), versions
    assert package["engines"]["node"] == ">=22.13"
    assert (default_project / "frontend/.nvmrc").read_text().strip() == "24"
    assert {"dev", "build", "typecheck", "test", "db:migrate"} <= package["scripts"].keys()
