"""The READMEs say what the code does: their commands run as written, their tables match copier.yml."""

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from hooks.matrix import load_questions

from .conftest import TEMPLATE_ROOT, run


def code_block_after(markdown: str, heading: str) -> str:
    section = markdown.split(f"\n{heading}\n", 1)[1]
    return re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)


@pytest.mark.slow
def test_generated_readme_backend_commands_work_as_written(default_project: Path) -> None:
    """uv installs uv.lock into a fresh virtual environment, then mypy and pytest: exactly the
    README's block (uv is on PATH, as the template's test dependencies install it). pytest runs
    the fast tier here, beside other tests: the slow tier of the same code runs alone, in the
    defaults' `npm test` (test_e2e)."""
    commands = code_block_after((default_project / "README.md").read_text(), "## Backend")
    assert "uv sync --locked" in commands
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTEST_ADDOPTS": "-m 'not slow'",
    }
    result = run(["bash", "-e", "-c", commands], default_project, timeout=900, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(r"\b\d+ passed, \d+ deselected\b", summary), summary
    assert "failed" not in summary and "warning" not in summary, result.stdout[-3000:]


def test_generated_readme_quick_start_is_the_three_tested_commands(default_project: Path) -> None:
    """test_e2e runs exactly these: npm run setup, npm run dev (with Ctrl-C) and npm test."""
    block = code_block_after((default_project / "README.md").read_text(), "## Quick start")
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["npm run setup", "npm run dev", "npm test"]
    scripts = json.loads((default_project / "package.json").read_text())["scripts"]
    assert {"setup", "dev", "test"} <= scripts.keys()


def documented_defaults() -> dict[str, str]:
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    rows = re.findall(r"^\| `([a-z_]+)` \| (.*?) \| (.*?) \|$", readme, re.MULTILINE)
    return {name: default for name, default, _ in rows}


def shown(default: Any) -> str:
    """A default as the README's table shows it: each item of a list, each line of a mapping."""
    if isinstance(default, dict):
        default = [f"{name}: {value}" for name, value in default.items()]
    items = default if isinstance(default, list) else [default]
    words = [str(item).lower() if isinstance(item, bool) else str(item) for item in items]
    return ", ".join(f"`{word}`" for word in words) or "none"


def default_of(name: str, questions: dict[str, Any]) -> Any:
    """A question's default as Copier gives it with the other questions' defaults: a list whose
    items follow another answer (`{% if ... %}` lines) is rendered, then read as YAML."""
    default = questions[name]["default"]
    if not isinstance(default, str) or "{%" not in default:
        return default
    plain = {
        other: spec["default"]
        for other, spec in questions.items()
        if not isinstance(spec["default"], str) or "{" not in spec["default"]
    }
    return yaml.safe_load(jinja2.Template(default).render(**plain))


def test_template_readme_documents_every_question_with_its_default() -> None:
    questions = {
        name: spec for name, spec in load_questions().items() if spec.get("when") is not False
    }
    documented = documented_defaults()
    assert sorted(documented) == sorted(questions)
    for name, spec in questions.items():
        if "{{" not in str(spec["default"]):
            assert documented[name] == shown(default_of(name, questions)), name


def test_the_readme_shows_a_dashboard_screenshot_of_a_generated_project() -> None:
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    assert "](docs/dashboard.png)" in readme
    image = (TEMPLATE_ROOT / "docs" / "dashboard.png").read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert 5_000 < len(image) < 200_000, "a small PNG"
