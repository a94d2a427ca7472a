"""The rendered frontend installs, passes its formatter, type checker and tests, migrates a fresh
database and builds, on Node 24 (installed from the npm registry into .tools/).

The two projects test_e2e sets up (the defaults, shared_secret with PostgreSQL) install, test and
build their frontend there (`npm run setup`, then `npm test`, whose end-to-end suite builds it):
here they pass the formatter and the type checker. The third set installs, checks, tests and
builds here, and the defaults' README commands run in a fresh render."""

import json
import re
import secrets
from pathlib import Path

import pytest

from .conftest import FRONTEND_SETS, Renders, SetUpProject, generate_api_client, npm, run

THIRD_SET = "es256-secrets-dir-list-and-bool-claims"


@pytest.mark.slow
def test_the_readmes_frontend_commands_install_it_and_create_the_tables(
    render: Renders, node_env: dict[str, str]
) -> None:
    """Exactly the generated README's commands (cd, npm ci, npm run db:migrate), then again."""
    project = render()
    readme = (project / "README.md").read_text()
    block = re.search(r"\n## Frontend\n+```bash\n(.*?)```", readme, re.DOTALL).group(1)
    result = run(["bash", "-e", "-c", block], project, env=node_env, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "created table jwks" in result.stdout
    assert "Database is up to date." in npm(["run", "db:migrate"], project / "frontend", node_env)


@pytest.mark.slow
def test_a_frontend_with_other_answers_installs_checks_tests_migrates_and_builds(
    render: Renders, node_env: dict[str, str]
) -> None:
    answers = FRONTEND_SETS[THIRD_SET]
    frontend = render(answers) / answers["frontend_dir"]
    # As the README says: one file per secret, here in a folder SECRETS_DIR points at.
    secrets_dir = frontend.parent / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "better_auth_secret").write_text(secrets.token_hex(32))
    node_env = {**node_env, "SECRETS_DIR": str(secrets_dir)}

    npm(["ci", "--no-audit", "--no-fund"], frontend, node_env)  # its lock matches
    # The API client is generated from the backend's schema (a new project's `npm run setup`).
    generate_api_client(frontend.parent, node_env, frontend.name)
    npm(["run", "format:check"], frontend, node_env)
    npm(["run", "typecheck"], frontend, node_env)
    tests = npm(["test"], frontend, node_env)
    assert re.search(r"Tests\s+\d+ passed", re.sub(r"\x1b\[[0-9;]*m", "", tests)), tests
    assert "created table jwks" in npm(["run", "db:migrate"], frontend, node_env)
    assert "Database is up to date." in npm(["run", "db:migrate"], frontend, node_env)
    build = npm(["run", "build"], frontend, node_env)
    assert "/api/auth/[...all]" in build and "/dashboard" in build


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.parametrize("project_fixture", ["defaults_setup", "postgres_setup"])
def test_a_set_up_frontend_passes_its_formatter_and_type_checker(
    request: pytest.FixtureRequest, node_env: dict[str, str], project_fixture: str
) -> None:
    project: SetUpProject = request.getfixturevalue(project_fixture)
    npm(["run", "format:check"], project.path / "frontend", node_env)
    npm(["run", "typecheck"], project.path / "frontend", node_env)


def test_package_versions_are_exact_and_node_is_pinned(default_project: Path) -> None:
    package = json.loads((default_project / "frontend/package.json").read_text())
    versions = {**package["dependencies"], **package["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in versions.values()), versions
    assert package["engines"]["node"] == ">=22.18"  # what setup requires
    assert (default_project / "frontend/.nvmrc").read_text().strip() == "24"
    assert {"dev", "build", "typecheck", "test", "db:migrate"} <= package["scripts"].keys()
