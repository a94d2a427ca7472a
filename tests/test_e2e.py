"""The generated project as a newcomer meets it: the README's `npm run setup`, `npm run dev` and
`npm test` on Node 24. `npm test` ends with the end-to-end suite: Better Auth's tokens accepted by
the API, a real browser, PostgreSQL for the postgres answer, the CLI and the negative run."""

import contextlib
import importlib.util
import json
import os
import re
import secrets
import signal
import stat
import subprocess
import time
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from .conftest import TEMPLATE_ROOT, Renders, SetUpProject, lockfiles, run

pytestmark = pytest.mark.slow

SCREENSHOTS = TEMPLATE_ROOT / "test-results" / "e2e-screenshots"
DEV_STARTUP_SECONDS = 180
# Each set-up project by its fixture (conftest.py): the defaults, and shared_secret + PostgreSQL.
SET_UP = ["defaults_setup", "postgres_setup"]


def assert_installed(project: SetUpProject) -> None:
    """Both halves installed, at exactly the versions their locks name, the locks untouched."""
    assert project.backend_python.exists()
    assert (project.path / "node_modules" / ".bin" / "concurrently").exists()
    frontend = project.path / "frontend"
    locked = json.loads((frontend / "package-lock.json").read_text())["packages"]
    for package in ["next", "better-auth", "vite"]:
        installed = json.loads((frontend / "node_modules" / package / "package.json").read_text())
        assert installed["version"] == locked[f"node_modules/{package}"]["version"], package
    uv_lock = (project.path / "backend" / "uv.lock").read_text()
    for package in ["fastapi", "pyjwt", "uvicorn"]:
        version = run(
            [
                str(project.backend_python),
                "-c",
                f"import importlib.metadata as m; print(m.version('{package}'))",
            ],
            project.path,
        ).stdout.strip()
        assert f'name = "{package}"\nversion = "{version}"' in uv_lock, package
    assert lockfiles(project.path) == project.locks_before_setup, "setup rewrote a lock"


@pytest.mark.serial
def test_setup_installs_both_halves_and_creates_the_tables(
    defaults_setup: SetUpProject, node_env: dict[str, str]
) -> None:
    default_project = defaults_setup
    setup = default_project.setup
    assert setup.returncode == 0, setup.stdout[-4000:] + setup.stderr[-4000:]
    assert_installed(default_project)
    assert "created table user" in setup.stdout and "created table jwks" in setup.stdout
    answers = yaml.safe_load((default_project.path / ".copier-answers.yml").read_text())
    endpoints = len(answers["protected_endpoints"]) + 2  # and /health, /ready
    assert f"Wrote the API client for {endpoints} endpoints to frontend/lib/openapi/." in setup.stdout
    assert not (default_project.path / "backend/.env").exists()  # jwks: the API holds no secret
    private = ["frontend/.env.local", "frontend/data", "frontend/data/auth.db"]
    modes = {name: stat.S_IMODE((default_project.path / name).stat().st_mode) for name in private}
    assert modes == {name: 0o700 if name.endswith("data") else 0o600 for name in private}
    again = run(["npm", "run", "setup"], default_project.path, env=node_env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Database is up to date." in again.stdout
    assert "Wrote the API client" not in again.stdout  # yours from now on: npm run generate:api


@pytest.mark.serial
def test_setup_says_what_to_do_when_the_database_does_not_exist(
    postgres_setup: SetUpProject,
) -> None:
    setup = postgres_setup.setup
    assert setup.returncode == 1, setup.stdout[-3000:]
    assert_installed(postgres_setup)  # everything before the database step is in place
    assert "the database tables could not be created" in setup.stderr
    assert "createdb my_app" in setup.stderr


def test_dev_and_test_refuse_to_start_before_setup(
    render: Renders, node_env: dict[str, str]
) -> None:
    project = render()
    for command in [["run", "dev"], ["test"]]:
        result = run(["npm", *command], project, env=node_env)
        assert result.returncode == 1
        assert "not installed yet: run npm run setup first" in result.stderr


def wait_until_answering(urls: list[str], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEV_STARTUP_SECONDS
    pending = list(urls)
    while pending:
        assert process.poll() is None, f"npm run dev exited:\n{log.read_text()[-4000:]}"
        assert time.monotonic() < deadline, f"{pending} not up:\n{log.read_text()[-4000:]}"
        try:
            if httpx.get(pending[0], timeout=30).status_code == 200:
                pending.pop(0)
                continue
        except httpx.TransportError:
            pass
        time.sleep(0.5)


def group_is_gone(leader: subprocess.Popen, within_seconds: float) -> bool:
    """Whether every process of the leader's group has exited (the leader reaped, not a zombie)."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        leader.poll()
        try:
            os.killpg(leader.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


def template_module(relative_path: str) -> ModuleType:
    """A plain-Python file of the template (no Jinja), imported as generated projects have it."""
    path = TEMPLATE_ROOT / "template" / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sign_up_in_browser(frontend: str, name: str, email: str, password: str) -> str:
    """Sign up in Debian's Chromium as the README says; return the dashboard's text."""
    with sync_playwright() as playwright:
        browser = template_module("e2e/chromium.py").launch(playwright)
        try:
            page = browser.new_page(base_url=frontend)
            page.goto("/signup", timeout=120_000)  # next dev compiles a page on its first visit
            page.fill('input[name="name"]', name)
            page.fill('input[name="email"]', email)
            page.fill('input[name="password"]', password)
            page.click('button[type="submit"]')
            page.wait_for_url("**/dashboard", timeout=120_000)
            expect(page.locator('section[data-state="loading"]')).to_have_count(0, timeout=60_000)
            assert page.locator('section[data-state="failed"]').count() == 0
            return page.locator("main").inner_text()
        finally:
            browser.close()


@pytest.mark.serial
def test_dev_runs_both_halves_labelled_and_ctrl_c_stops_both(
    defaults_setup: SetUpProject, node_env: dict[str, str], tmp_path: Path
) -> None:
    """The newcomer's path: npm run dev, sign up in a browser and see the dashboard's API data,
    get a token with the CLI, call the API with it."""
    default_project = defaults_setup
    frontend, api = default_project.answers["frontend_url"], default_project.answers["backend_url"]
    log = tmp_path / "dev.log"
    with log.open("w") as output:
        dev = subprocess.Popen(
            ["npm", "run", "dev"],
            cwd=default_project.path,
            env=node_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering([f"{api}/health", f"{frontend}/login"], dev, log)
        email, password = f"dev-{secrets.token_hex(4)}@example.com", "correct-horse-battery"
        dashboard = sign_up_in_browser(frontend, "Dev Person", email, password)
        assert "Hello, Dev Person" in dashboard
        assert '"name": "Dev Person"' in dashboard  # what the API answered for the new account
        token = run(
            [str(default_project.backend_python), "-m", "my_app", "token", "--email", email],
            default_project.path / "backend",
            env={**os.environ, "TOKEN_PASSWORD": password},
        )
        assert token.returncode == 0, token.stderr
        me = httpx.get(f"{api}/api/me", headers={"Authorization": f"Bearer {token.stdout.strip()}"})
        assert me.status_code == 200, me.text
        assert me.json()["caller"]["email"] == email
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(dev.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        stopped = group_is_gone(dev, within_seconds=30)
        if not stopped:
            os.killpg(dev.pid, signal.SIGKILL)
    assert stopped, "Ctrl-C left processes of npm run dev running"
    output = log.read_text()
    assert "inferred your workspace root" not in output  # next.config.ts names the app's folder
    lines = output.splitlines()
    assert any(line.startswith("[api]") and "Uvicorn running" in line for line in lines)
    assert any(line.startswith("[web]") and "next dev" in line for line in lines)
    for url in [f"{api}/health", f"{frontend}/login"]:
        with pytest.raises(httpx.TransportError):
            httpx.get(url, timeout=2)


@pytest.mark.serial
@pytest.mark.parametrize("project_fixture", SET_UP)
def test_test_command_runs_every_suite_and_all_pass(
    request: pytest.FixtureRequest, node_env: dict[str, str], project_fixture: str
) -> None:
    project: SetUpProject = request.getfixturevalue(project_fixture)
    screenshots = SCREENSHOTS / project_fixture
    env = {**node_env, "E2E_SCREENSHOTS": str(screenshots)}
    result = run(["npm", "test"], project.path, env=env, timeout=2400)
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    assert result.returncode == 0, output[-8000:] + result.stderr[-3000:]
    pytest_summaries = re.findall(r"^=+ (.*) in [\d.]+s.* =+$", output, re.MULTILINE)
    assert len(pytest_summaries) == 2, pytest_summaries  # the API's suite, then e2e
    api_summary, e2e_summary = pytest_summaries
    assert re.fullmatch(r"\d+ passed", api_summary), api_summary
    listed = run(
        [str(project.backend_python), "-m", "pytest", "--collect-only", "-q", "e2e"], project.path
    )
    collected = re.search(r"^(\d+) tests? collected", listed.stdout, re.MULTILINE)
    assert collected and int(collected.group(1)) >= 20, listed.stdout[-2000:]
    assert e2e_summary == f"{collected.group(1)} passed", e2e_summary  # none skipped
    assert re.search(r"Tests\s+\d+ passed", output), output[-4000:]  # vitest
    assert "The API client in frontend/lib/openapi/ matches the backend's schema." in output
    # next build (and next dev) write nothing into the project: no AGENTS.md of Next.js's.
    assert not (project.path / "frontend/AGENTS.md").exists()
    shots = ["1-sign-up", "2-dashboard", "3-signed-out", "4-sessions"]
    pages = [
        "home",
        "signup",
        "login",
        "forgot-password",
        "reset-password",
        "dashboard",
        "sessions",
    ]
    for page in pages:
        shots += [
            f"{page}-{scheme}-{size}"
            for scheme in ["light", "dark"]
            for size in ["desktop", "phone"]
        ]
    for shot in shots:
        assert (screenshots / f"{shot}.png").stat().st_size > 1000, shot
    axe = json.loads((screenshots / "axe.json").read_text())  # written by the browser test
    assert len(axe) == 2 * len(pages) and not any(
        v["impact"] in {"serious", "critical"} for found in axe.values() for v in found
    )


PLAN_HANDLER = """

@router.get("/api/plan")
async def get_plan(user: CurrentUser) -> EndpointResponse:
    return EndpointResponse(endpoint="GET /api/plan", caller=Caller.of(user), placeholder="-")
"""
PLAN_CALL = """import { browserApi } from "@/lib/api/browser";
import * as api from "@/lib/openapi";

export async function plan(): Promise<string> {
  const { data } = await api.getPlan({ client: browserApi });
  return data.%s ?? "none";
}
"""


@pytest.mark.serial
def test_the_api_client_follows_the_backend_through_generate_api(
    defaults_setup: SetUpProject, node_env: dict[str, str]
) -> None:
    """An owner adds an endpoint and a response field: `npm test` fails at once, naming them;
    `npm run generate:api` writes the client again, and the new function and field are typed."""
    project = defaults_setup
    routes = next((project.path / "backend").glob("*/api/routes.py"))
    schemas = routes.with_name("schemas.py")
    probe = project.path / "frontend" / "lib" / "plan-probe.ts"
    originals = {path: path.read_text() for path in (routes, schemas)}
    tsc = ["npx", "tsc", "--noEmit"]
    try:
        routes.write_text(originals[routes] + PLAN_HANDLER)
        schemas.write_text(
            originals[schemas].replace(
                "    placeholder: str\n", '    placeholder: str\n    plan: str = "free"\n'
            )
        )
        stale = run(["npm", "test"], project.path, env=node_env)
        assert stale.returncode != 0
        assert "GET /api/plan (getPlan): a new endpoint" in stale.stderr, stale.stderr
        assert "GET /api/me (getMe): its EndpointResponse changed" in stale.stderr, stale.stderr
        assert "Run `npm run generate:api`" in stale.stderr
        assert "passed" not in stale.stdout  # no suite ran
        assert not list(probe.parent.glob(".openapi-*")), "the check left its scratch folder"

        generated = run(["npm", "run", "generate:api"], project.path, env=node_env)
        assert generated.returncode == 0, generated.stderr
        checked = run(["npm", "run", "check:api"], project.path, env=node_env)
        assert checked.returncode == 0, checked.stderr
        probe.write_text(PLAN_CALL % "plan")
        typed = run(tsc, probe.parent.parent, env=node_env)
        assert typed.returncode == 0, typed.stdout[-3000:]
        probe.write_text(PLAN_CALL % "plann")  # a typo the generated types catch
        mistyped = run(tsc, probe.parent.parent, env=node_env)
        assert "Property 'plann' does not exist" in mistyped.stdout, mistyped.stdout[-3000:]
    finally:
        probe.unlink(missing_ok=True)
        for path, text in originals.items():
            path.write_text(text)
        run(["npm", "run", "generate:api"], project.path, env=node_env)
    restored = run(["npm", "run", "check:api"], project.path, env=node_env)
    assert restored.returncode == 0, restored.stderr


def test_refusal_run_is_part_of_the_suite(default_project: Path) -> None:
    e2e = default_project / "e2e"
    assert "JWT_AUDIENCE=" in (e2e / "test_refusals.py").read_text()
    assert "JWKS_URL=" in (e2e / "test_key_refusals.py").read_text()
