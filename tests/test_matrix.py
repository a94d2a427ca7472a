"""Every answer set of the matrix renders a clean project whose backend passes its own checks
and whose end-to-end tests pass the same linter and formatter."""

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from hooks.matrix import answer_sets

from .conftest import assert_backend_tests_pass, render, run

ANSWER_SETS = answer_sets()
# This set runs the backend's whole suite. The others run its fast tier (-m "not slow"): the slow
# tests (real servers, real clocks, Hypothesis) depend on the token mode, not on the other answers,
# and take two minutes a set. The defaults (jwks) run them whole in test_e2e, test_floors and
# test_readme, shared_secret with postgres and two claims in test_e2e; this set adds every type.
WHOLE_SUITE = {"every-claim-type"}
JINJA_LEFTOVERS = re.compile(r"\{%|%\}|\{#|#\}|\{\{ *[a-z_]+ *\}\}")


def backend_dir(project: Path, answers: dict[str, Any]) -> Path:
    return project / answers.get("backend_dir", "backend")


def rendered_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


@pytest.mark.slow
@pytest.mark.parametrize("name", ANSWER_SETS)
def test_renders_a_project_whose_python_is_clean_and_whose_backend_passes_its_tests(
    copie: Any, name: str
) -> None:
    answers = ANSWER_SETS[name]
    project = render(copie, answers)
    backend = backend_dir(project, answers)

    for python_dir in [backend, project / "e2e"]:  # e2e/ follows the backend's ruff settings
        lint = run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], python_dir)
        assert lint.returncode == 0, lint.stdout
        formatting = run(
            [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], python_dir
        )
        assert formatting.returncode == 0, formatting.stdout

    # mypy --strict, as the project's `npm run test:api` runs it (its cache in the project: every
    # set's `tests.keys` is another module).
    types = run([sys.executable, "-m", "mypy"], backend)
    assert types.returncode == 0, types.stdout[-5000:]

    assert_backend_tests_pass(backend, fast_tier=name not in WHOLE_SUITE)


@pytest.mark.parametrize("name", ANSWER_SETS)
def test_rendered_files_look_hand_written(copie: Any, name: str) -> None:
    project = render(copie, ANSWER_SETS[name])
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


def test_every_set_named_to_run_the_whole_suite_is_an_answer_set() -> None:
    assert set(ANSWER_SETS) >= WHOLE_SUITE
