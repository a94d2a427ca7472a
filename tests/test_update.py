"""`copier update` for real, as the generated README tells people to run it.

Each test clones this repository into a temporary folder and releases it there with real git
tags: the current template is tagged as the previous release (v0.1.0), then a typical next
release is committed and tagged (v0.2.0): a fix in a backend module and a new README section.
A project rendered from v0.1.0 and edited by its owner is then updated to v0.2.0.

After an update the backend's fast tier runs: what an update can break is how files merge
(imports, an owner's edits, settings), which the fast tier exercises; the slow tier (servers, real
clocks) tests the same rendered code as a fresh project of these answers, which test_e2e runs
whole for each token mode. A changed answer is also set up again (`npm run setup`), and the
database's through the real stack.
"""

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE_ROOT, assert_backend_tests_pass, run
from .test_production import postgres

pytestmark = pytest.mark.slow

HANDLER_EDIT = '        placeholder="Tasks of the user, from the database",'
EXTRA_ENDPOINT = """

@router.get("/api/version")
async def version(user: CurrentUser) -> dict[str, str]:
    return {"version": "1.0", "user": user.sub}
"""
README_EDIT = "A project by the owner, who wrote this line."


def git(cwd: Path, *args: str) -> str:
    result = run(["git", *args], cwd)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def copier(cwd: Path, *args: str) -> None:
    """The copier command exactly as a person runs it (no --trust)."""
    result = run([sys.executable, "-m", "copier", *args], cwd, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def committed(project: Path, message: str) -> Path:
    """The project as its owner keeps it: a git repository with everything committed."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", message)
    return project


def generated(tmp_path: Path, template: Path, version: str, *answers: str) -> Path:
    """A project copied from `template` at `version` (defaults, then these answers), committed,
    with its secrets: drawn by setup's first step (releases before 0.3 had Copier write them)."""
    project = tmp_path / "app"
    data = [arg for answer in answers for arg in ("--data", answer)]
    copier(tmp_path, "copy", "--defaults", *data, "--vcs-ref", version, str(template), str(project))
    setup = project / "scripts/setup.mjs"  # since 0.2.0
    if setup.exists() and "--env-files" in setup.read_text():
        drawn = run(["node", "scripts/setup.mjs", "--env-files"], project)
        assert drawn.returncode == 0, drawn.stderr
    return committed(project, f"Generated from {version}")


@pytest.fixture
def released_template(tmp_path: Path) -> Path:
    clone = tmp_path / "template"
    git(tmp_path, "clone", "-q", str(TEMPLATE_ROOT), str(clone))
    for tag in git(clone, "tag", "--list").split():
        git(clone, "tag", "-d", tag)  # the clone's release history is this test's own
    git(clone, "tag", "v0.1.0")
    health = clone / "template/{{backend_dir}}/{{package_name}}/api/health.py"
    health.write_text(
        health.read_text().replace('{"status": "ok"}', '{"status": "ok", "service": "api"}')
    )
    readme = clone / "template/README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Getting help\n\nRead SECURITY.md first.\n")
    git(
        clone,
        "commit",
        "-qam",
        "Release 0.2.0: health names the service, README says where to get help",
    )
    git(clone, "tag", "v0.2.0")
    return clone


@pytest.fixture
def edited_project(tmp_path: Path, released_template: Path) -> Path:
    project = generated(tmp_path, released_template, "v0.1.0")
    routes = project / "backend/my_app/api/routes.py"
    text = routes.read_text()
    start = text.index("async def get_tasks(")
    placeholder = text.index("        placeholder=", start)
    end = text.index("\n", placeholder)
    routes.write_text(text[:placeholder] + HANDLER_EDIT + text[end:] + EXTRA_ENDPOINT)
    readme = project / "README.md"
    readme.write_text(
        readme.read_text().replace("\n## Layout\n", f"\n{README_EDIT}\n\n## Layout\n", 1)
    )
    env_local = project / "frontend/.env.local"
    env_local.write_text(env_local.read_text() + "NEXT_PUBLIC_API_URL=https://api.example.com\n")
    git(project, "commit", "-qam", "The owner's edits")
    return project


def untracked_env_files(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in project.rglob(".env*")
        if p.name != ".env.example"
    }


# Installed packages hold conflict markers of their own (TypeScript's scanner looks for them).
NOT_THE_OWNERS = {".git", "node_modules", ".venv", ".next"}


def conflict_leftovers(project: Path) -> list[str]:
    found = []
    for path in project.rglob("*"):
        if NOT_THE_OWNERS & set(path.parts) or not path.is_file():
            continue
        if path.suffix == ".rej" or path.name.endswith(".orig"):
            found.append(str(path.relative_to(project)))
        elif any(marker in path.read_text(errors="replace") for marker in ("<<<<<<< ", ">>>>>>> ")):
            found.append(str(path.relative_to(project)))
    return found


def readme_commands(project: Path, after: str) -> list[list[str]]:
    """The `copier update` command lines of the README's first bash block after `after`."""
    readme = (project / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme.split(after, 1)[1], re.DOTALL).group(1)
    return [
        shlex.split(line, comments=True)[1:]
        for line in block.splitlines()
        if line.startswith("copier update")
    ]


def test_update_keeps_edits_and_secrets_and_brings_the_release(edited_project: Path) -> None:
    project = edited_project
    env_before = untracked_env_files(project)
    assert set(env_before) == {"frontend/.env.local"}  # jwks: the API holds no secret

    (command,) = readme_commands(project, "## Updating from the template")
    copier(project, *command)

    assert untracked_env_files(project) == env_before, "an update must never touch env files"
    assert conflict_leftovers(project) == []
    routes = (project / "backend/my_app/api/routes.py").read_text()
    assert HANDLER_EDIT in routes and '@router.get("/api/version")' in routes
    readme = (project / "README.md").read_text()
    assert README_EDIT in readme and "## Getting help" in readme
    assert '"service": "api"' in (project / "backend/my_app/api/health.py").read_text()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v0.2.0"
    assert not any("secret" in key for key in answers if key != "secret_location")

    assert_backend_tests_pass(project / "backend", fast_tier=True)


def test_update_with_a_new_claim_re_renders_both_halves(edited_project: Path) -> None:
    project = edited_project
    env_before = untracked_env_files(project)
    (command,) = readme_commands(project, "To change an answer")
    assert "--data" in command
    copier(project, *command)

    assert untracked_env_files(project) == env_before
    assert conflict_leftovers(project) == []
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["custom_claims"] == ["role: str = user", "plan: str = free"]
    backend_claims = (project / "backend/my_app/jwt_auth/claims.py").read_text()
    assert "plan: str | None = None" in backend_claims
    assert '"plan": "free"' in backend_claims
    # The endpoint tests read the claims from `Claims`: nothing of theirs names the new one.
    assert "plan" not in (project / "backend/tests/test_protected_endpoints.py").read_text()
    frontend_claims = (project / "frontend/lib/auth/claims.ts").read_text()
    assert "plan: string | null;" in frontend_claims
    assert (
        'plan: {\n    type: "string",\n    required: false,\n    input: false,\n    defaultValue: "free",'
        in frontend_claims
    )
    assert HANDLER_EDIT in (project / "backend/my_app/api/routes.py").read_text()

    assert_backend_tests_pass(project / "backend", fast_tier=True)


# Every release in the CHANGELOG, by the commit it was made at; this repository's history has them.
RELEASES = {
    "v0.1.0": "6d72581f15e8c69484e6d522b0c66235413687ca",  # "## 0.1.0 (2026-11-22)"
    "v0.2.0": "7197b96313882530eb1efa616503fd3cf226ec17",  # "## 0.2.0 (2026-11-23)"
    "v0.3.0": "d7bc158a604ba18bac565adc83fefad186b29aaa",  # "## 0.3.0 (2026-12-01)"
}


@pytest.fixture
def template_with_every_release(tmp_path: Path) -> Path:
    """A clone with each release tagged where it was made, and the current template as v9.0.0."""
    clone = tmp_path / "template"
    git(tmp_path, "clone", "-q", str(TEMPLATE_ROOT), str(clone))
    for tag in git(clone, "tag", "--list").split():
        git(clone, "tag", "-d", tag)
    for tag, commit in RELEASES.items():
        known = run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], clone)
        assert known.returncode == 0, f"{tag} is not in this clone's history (a --depth clone?)"
        git(clone, "tag", tag, commit)
    git(clone, "tag", "v9.0.0")
    return clone


def test_every_release_in_the_changelog_is_tested_here() -> None:
    changelog = (TEMPLATE_ROOT / "CHANGELOG.md").read_text()
    released = {f"v{v}" for v in re.findall(r"^## (\d+\.\d+\.\d+) ", changelog, re.MULTILINE)}
    assert released == set(RELEASES)


@pytest.mark.parametrize("release", RELEASES)
def test_update_from_each_release_moves_an_edited_project_to_the_current_layout(
    tmp_path: Path, template_with_every_release: Path, release: str
) -> None:
    project = generated(tmp_path, template_with_every_release, release)
    routes = project / "backend/my_app/api/routes.py"
    text = routes.read_text()
    placeholder = text.index("        placeholder=", text.index("async def get_tasks("))
    routes.write_text(text[:placeholder] + HANDLER_EDIT + text[text.index("\n", placeholder) :])
    git(project, "commit", "-qam", "The owner's edit")
    env_before = untracked_env_files(project)

    copier(project, "update", "--defaults", "--vcs-ref", "v9.0.0")

    assert conflict_leftovers(project) == []
    assert untracked_env_files(project) == env_before
    assert HANDLER_EDIT in routes.read_text()
    package = project / "backend/my_app"
    moved_away = ["cli.py", "core/doctor.py", "jwt_auth/diagnosis.py", "jwt_auth/testing.py"]
    moved_away += ["cli/jwks.py", "jwt_auth/jwks.py", "jwt_auth/keys.py", "core/better_auth.py"]
    moved_away += ["../../frontend/lib/api.ts"]  # the generated client (setup) replaces it
    for moved in [*moved_away, "doctor/jwks.py", "../tests/jwks_keys.py"]:
        assert not (package / moved).exists(), f"{moved} is left behind"
    new_files = ["cli/token.py", "doctor/key_checks.py", "jwt_auth/key_source.py", "token_mode.py"]
    new_files += ["cli/better_auth.py", "../tests/tokens.py", "../tests/keys.py"]
    new_files += ["cli/openapi.py", "../../scripts/generate-api.mjs"]
    for new in [*new_files, "../uv.lock", "../../frontend/package-lock.json"]:
        assert (package / new).is_file(), new
    assert_backend_tests_pass(project / "backend", fast_tier=True)


def code_block(readme: str, after: str) -> str:
    return re.search(r"```bash\n(.*?)```", readme.split(after, 1)[1], re.DOTALL).group(1)


def test_the_readmes_copy_and_update_commands_work_as_written(tmp_path: Path) -> None:
    """The template README's `copier copy`, run in a clone as written; then, in the project, the
    generated README's `copier update`, as written, to a release made after it."""
    clone = tmp_path / "template"
    git(tmp_path, "clone", "-q", str(TEMPLATE_ROOT), str(clone))
    for tag in git(clone, "tag", "--list").split():
        git(clone, "tag", "-d", tag)
    git(clone, "tag", "v9.0.0")
    block = code_block((clone / "README.md").read_text(), "## Generate a project")
    (copy_line,) = [line for line in block.splitlines() if line.startswith("copier copy")]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    copied = run(["bash", "-e", "-c", f"{copy_line} --defaults"], clone, env=env, timeout=900)
    assert copied.returncode == 0, copied.stderr[-3000:]
    project = tmp_path / "my-app"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(clone), "the project must name the template absolutely"
    committed(project, "Generated")
    readme = clone / "template/README.md.jinja"
    readme.write_text(readme.read_text() + "\n## Getting help\n\nRead SECURITY.md first.\n")
    git(clone, "commit", "-qam", "Release 9.0.1")
    git(clone, "tag", "v9.0.1")

    update = code_block((project / "README.md").read_text(), "## Updating from the template")
    (update_line,) = [line for line in update.splitlines() if line.startswith("copier update")]
    updated = run(["bash", "-e", "-c", update_line.split("#")[0]], project, env=env, timeout=900)
    assert updated.returncode == 0, updated.stdout[-3000:] + updated.stderr[-3000:]
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["_commit"] == "v9.0.1"
    assert "## Getting help" in (project / "README.md").read_text()


@pytest.fixture
def setup_env(node_env: dict[str, str], mypy_cache: Path) -> dict[str, str]:
    """What a project's npm scripts run with here: Node 24, uv on PATH, one mypy cache for all."""
    return {
        **node_env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{node_env['PATH']}",
        "MYPY_CACHE_DIR": str(mypy_cache),
    }


def npm_run(project: Path, script: str, env: dict[str, str], *args: str) -> str:
    result = run(["npm", "run", script, *args], project, env=env, timeout=1500)
    assert result.returncode == 0, (
        f"npm run {script}:\n{result.stdout[-4000:]}{result.stderr[-3000:]}"
    )
    return result.stdout


def env_value(file: Path, name: str) -> str | None:
    if not file.exists():
        return None
    for line in file.read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    return None


def update_answer(project: Path, answer: str) -> None:
    """Commit first, as the README says (setup wrote the lockfiles), then change the answer."""
    git(project, "add", "-A")
    git(project, "commit", "-qm", "Work before the update", "--allow-empty")
    copier(project, "update", "--defaults", "--data", answer)
    assert conflict_leftovers(project) == []
    git(project, "add", "-A")
    git(project, "commit", "-qm", f"Answer {answer}")


def assert_the_changed_parts_pass(
    project: Path, env: dict[str, str], api_tests: list[str], web_tests: list[str]
) -> None:
    """After a changed answer: both halves' type checkers over every file (mypy --strict, tsc: a
    file left from the old answer, or one the new answer needs and the update did not bring,
    fails here), and the tests of what the answer changes. The whole suites of every answer run
    elsewhere, on fresh renders: the backend's in test_matrix, both halves' and the end-to-end
    suite on set-up projects in test_e2e."""
    pytest = [".venv/bin/python", "-m", "pytest", "-m", "not slow", *api_tests]
    for command, folder in [
        ([".venv/bin/python", "-m", "mypy"], "backend"),
        *([(pytest, "backend")] if api_tests else []),
        (["npm", "run", "typecheck"], "frontend"),
        *([(["npx", "vitest", "run", *web_tests], "frontend")] if web_tests else []),
    ]:
        result = run(command, project / folder, env=env, timeout=900)
        assert result.returncode == 0, f"{command}:\n{result.stdout[-4000:]}{result.stderr[-3000:]}"
    if web_tests:
        vitest = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        assert re.search(rf"Test Files\s+{len(web_tests)} passed", vitest), vitest[-2000:]


# What a token mode and a secret's location change, in each half.
TOKEN_MODE_API_TESTS = [
    "tests/test_token_mode.py",
    "tests/test_key_settings.py",
    "tests/test_mode_cli.py",
]
TOKEN_MODE_WEB_TESTS = ["tests/token-mode.test.ts", "tests/claims.test.ts", "tests/secrets.test.ts"]
SECRETS_API_TESTS = ["tests/test_secret_source.py", "tests/test_settings.py"]
SECRETS_WEB_TESTS = ["tests/secrets.test.ts"]


def test_changing_token_mode_both_ways_keeps_the_project_working(
    tmp_path: Path, released_template: Path, setup_env: dict[str, str]
) -> None:
    """jwks to shared_secret: the update renders the new code and leaves the env files alone;
    setup adds API_JWT_SECRET to both, the same, and both halves type-check and pass the tests of
    the token mode and the secrets. Then back."""
    project = generated(tmp_path, released_template, "v0.2.0")
    env = setup_env
    frontend_env, backend_env = project / "frontend/.env.local", project / "backend/.env"
    auth_secret = env_value(frontend_env, "BETTER_AUTH_SECRET")

    update_answer(project, "token_mode=shared_secret")
    assert env_value(backend_env, "API_JWT_SECRET") is None  # the update did not write it
    refused = run(["npm", "run", "dev"], project, env=env)
    assert refused.returncode == 1 and "API_JWT_SECRET" in refused.stderr, refused.stderr
    setup = npm_run(project, "setup", env)
    assert "setup: added API_JWT_SECRET to frontend/.env.local" in setup
    assert "setup: added API_JWT_SECRET to backend/.env" in setup
    shared = env_value(backend_env, "API_JWT_SECRET")
    assert shared and len(shared) == 64 and env_value(frontend_env, "API_JWT_SECRET") == shared
    assert env_value(frontend_env, "BETTER_AUTH_SECRET") == auth_secret  # never changed
    assert_the_changed_parts_pass(project, env, TOKEN_MODE_API_TESTS, TOKEN_MODE_WEB_TESTS)

    update_answer(project, "token_mode=jwks")
    assert "setup: added" not in npm_run(project, "setup", env)
    assert env_value(frontend_env, "BETTER_AUTH_SECRET") == auth_secret
    jwks_web_tests = [*TOKEN_MODE_WEB_TESTS, "tests/signing-keys.test.ts"]
    assert_the_changed_parts_pass(project, env, TOKEN_MODE_API_TESTS, jwks_web_tests)


def test_setup_dev_and_test_refuse_while_an_update_left_conflicts(
    tmp_path: Path, released_template: Path, setup_env: dict[str, str]
) -> None:
    project = generated(tmp_path, released_template, "v0.2.0")
    routes = project / "backend/my_app/api/routes.py"
    routes.write_text(routes.read_text() + "<<<<<<< before updating\n=======\n>>>>>>> v0.2.0\n")
    (project / "frontend/lib/auth.ts.rej").write_text("@@ -1 +1 @@\n")
    for command in [["run", "setup"], ["run", "dev"], ["test"]]:
        result = run(["npm", *command], project, env=setup_env)
        assert result.returncode == 1, result.stdout[-2000:]
        assert "an update left work to finish in:" in result.stderr, command
        assert "backend/my_app/api/routes.py" in result.stderr
        assert "frontend/lib/auth.ts.rej" in result.stderr
        assert not (project / "node_modules").exists(), "nothing is installed past a conflict"


def test_changing_secret_location_to_secrets_dir_and_back_keeps_the_project_working(
    tmp_path: Path, released_template: Path, setup_env: dict[str, str]
) -> None:
    """dotenv to secrets_dir: the secret moves to a file in SECRETS_DIR, as the README says, and
    .env.local goes; back to dotenv, setup will not draw a new BETTER_AUTH_SECRET over a database
    made with the old one: it says to put the old one back, and the project works again."""
    project = generated(tmp_path, released_template, "v0.2.0")
    env = setup_env
    npm_run(project, "setup", env)  # the database, with keys encrypted by this secret
    env_local = project / "frontend/.env.local"
    secret = env_value(env_local, "BETTER_AUTH_SECRET")

    update_answer(project, "secret_location=secrets_dir")
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "better_auth_secret").write_text(secret)
    env_local.unlink()
    in_secrets_dir = {**env, "SECRETS_DIR": str(secrets_dir)}
    assert "setup: added" not in npm_run(project, "setup", in_secrets_dir)
    assert not env_local.exists(), "setup writes no env file in secrets_dir mode"
    assert_the_changed_parts_pass(project, in_secrets_dir, SECRETS_API_TESTS, SECRETS_WEB_TESTS)

    update_answer(project, "secret_location=dotenv")
    refused = run(["npm", "run", "setup"], project, env=env)
    assert refused.returncode == 1
    assert "BETTER_AUTH_SECRET is missing from frontend/.env.local" in refused.stderr
    assert "frontend/data/auth.db exists" in refused.stderr
    env_local.write_text(f"BETTER_AUTH_SECRET={secret}\n")
    npm_run(project, "setup", env)
    assert env_value(env_local, "BETTER_AUTH_SECRET") == secret
    assert_the_changed_parts_pass(project, env, SECRETS_API_TESTS, SECRETS_WEB_TESTS)


@pytest.mark.slow
def test_an_update_adds_sign_in_providers_and_takes_them_away(
    tmp_path: Path, released_template: Path
) -> None:
    """Providers come and go with the answer: their modules, tests and README steps; no secret
    is written for them (their settings are the owner's to provide), and no conflict is left."""
    project = generated(tmp_path, released_template, "v0.2.0")
    env_before = untracked_env_files(project)
    providers = project / "frontend/lib/auth/providers"

    update_answer(project, 'sign_in_providers=["github", "oidc"]')
    assert {"github.ts", "oidc.ts"} <= {path.name for path in providers.iterdir()}
    assert "= [github, oidc];" in (providers / "index.ts").read_text()
    assert (project / "e2e/test_oidc.py").is_file()
    assert (project / "frontend/tests/github.test.ts").is_file()
    readme = (project / "README.md").read_text()
    assert "`http://localhost:3000/api/auth/callback/github`" in readme
    assert untracked_env_files(project) == env_before

    update_answer(project, "sign_in_providers=[]")
    assert not (providers / "github.ts").exists() and not (providers / "oidc.ts").exists()
    assert not (project / "e2e/test_oidc.py").exists()
    assert "= [];" in (providers / "index.ts").read_text()
    assert "Only email and password." in (project / "README.md").read_text()
    assert untracked_env_files(project) == env_before


def test_changing_the_database_to_postgres_keeps_the_project_working(
    tmp_path: Path, released_template: Path, setup_env: dict[str, str]
) -> None:
    """sqlite to postgres: setup adds DATABASE_URL to .env.local and migrates the new database;
    both halves type-check, and a person signs up through the real stack on
    PostgreSQL and the API reads their token (one test of the end-to-end suite: the whole suite
    runs on a fresh PostgreSQL project in test_e2e)."""
    project = generated(tmp_path, released_template, "v0.2.0")
    env = setup_env
    update_answer(project, "database=postgres")
    env_local = project / "frontend/.env.local"
    assert env_value(env_local, "DATABASE_URL") is None
    with postgres() as database_url:
        setup = npm_run(project, "setup", {**env, "DATABASE_URL": database_url})
        assert "setup: added DATABASE_URL to frontend/.env.local" in setup
        assert "created table jwks" in setup
        assert env_value(env_local, "DATABASE_URL") == "postgres://postgres@127.0.0.1:5432/my_app"
        # The database's own test is the end-to-end request below, on the built site.
        assert_the_changed_parts_pass(project, {**env, "DATABASE_URL": database_url}, [], [])
    one_request = "test_api_sees_the_tokens_claims_with_their_declared_types"
    served = npm_run(project, "test:e2e", env, "--", "e2e/test_api.py", "-k", one_request)
    assert re.search(r"^=+ 1 passed, \d+ deselected in ", served, re.MULTILINE), served[-3000:]
