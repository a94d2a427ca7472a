"""Every answer set of the matrix renders a clean project whose backend passes its own checks
and whose end-to-end tests pass the same linter and formatter."""

import hashlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from hooks.matrix import answer_sets

from .conftest import Renders, assert_backend_tests_pass, run

ANSWER_SETS = answer_sets()
JINJA_LEFTOVERS = re.compile(r"\{%|%\}|\{#|#\}|\{\{ *[a-z_]+ *\}\}")


def backend_dir(project: Path, answers: dict[str, Any]) -> Path:
    return project / answers.get("backend_dir", "backend")


def rendered_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes below `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("name", ANSWER_SETS)
def test_renders_a_project_whose_python_is_clean_and_whose_backend_passes_its_tests(
    render: Renders, mypy_cache: Path, name: str
) -> None:
    """ruff on the backend and the end-to-end tests; mypy --strict and the backend's fast tier
    (-m "not slow"). The slow tests (real servers, real clocks, Hypothesis) depend on the token
    mode alone: test_e2e runs them for each mode, in the generated projects' whole `npm test`.
    A set whose backend is the defaults' byte for byte (answers only the frontend reads) is
    checked once, with the defaults."""
    answers = ANSWER_SETS[name]
    project = render(answers)
    backend = backend_dir(project, answers)

    for python_dir in [backend, project / "e2e"]:  # e2e/ follows the backend's ruff settings
        lint = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], python_dir)
        assert lint.returncode == 0, lint.stdout
        formatting = run(
            [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], python_dir
        )
        assert formatting.returncode == 0, formatting.stdout

    if name != "defaults" and tree_digest(backend) == tree_digest(render() / "backend"):
        return
    # mypy --strict, as the project's `npm run test:api` runs it.
    types = run([sys.executable, "-m", "mypy", "--cache-dir", str(mypy_cache)], backend)
    assert types.returncode == 0, types.stdout[-5000:]
    assert_backend_tests_pass(backend, fast_tier=True)


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_rendered_files_look_hand_written(render: Renders, name: str) -> None:
    project = render(ANSWER_SETS[name])
    for path in rendered_files(project):
        text = path.read_text()
        where = path.relative_to(project)
        if not text:
            continue  # an empty __init__.py
        assert not JINJA_LEFTOVERS.search(text), f"template syntax left in {where}"
        assert text.endswith("\n") and not text.endswith("\n\n"), (
            f"{where} must end with one newline"
        )
        assert "\n\n\n\n" not in text, f"{where} has more than two blank lines in a row"
        trailing = [n for n, line in enumerate(text.splitlines(), 1) if line != line.rstrip()]
        assert not trailing, f"{where} has trailing spaces on lines {trailing}"


OWNERS_ROUTER = """from fastapi import APIRouter

from ..jwt_auth import CurrentUser, ProtectedRoute

router = APIRouter(prefix="/api/billing", tags=["billing"], route_class=ProtectedRoute)


@router.get("/invoices")
async def list_invoices(user: CurrentUser) -> list[str]:
    return [user.user_id]
"""


def test_the_backends_tests_cover_a_router_its_owner_adds(render: Renders) -> None:
    """A router of the owner's own, added to ROUTERS: the endpoint tests refuse calls to it
    without a valid token and serve it with one, and the OpenAPI test checks its schema, with no
    test written for it."""
    backend = render() / "backend"
    (backend / "my_app/api/billing.py").write_text(OWNERS_ROUTER)
    main = backend / "my_app/main.py"
    text = main.read_text()
    main.write_text(
        text.replace(
            "from .api import health, routes", "from .api import billing, health, routes"
        ).replace(
            "ROUTERS = (health.router, routes.router)",
            "ROUTERS = (health.router, routes.router, billing.router)",
        )
    )
    tests = ["tests/test_protected_endpoints.py", "tests/test_openapi.py"]
    result = run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *tests], backend)
    assert result.returncode == 0, result.stdout[-5000:]
    for test in [
        "refuses_request_without_token",
        "refuses_expired_token",
        "serves_caller_with_valid_token",
    ]:
        assert f"test_{test}[GET /api/billing/invoices] PASSED" in result.stdout, test
