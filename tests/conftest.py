"""Shared helpers: render the template's working tree and run commands in the result."""

import subprocess
from pathlib import Path
from typing import Any

import pytest

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent


def run(
    cmd: list[str], cwd: Path, timeout: float = 600, **kwargs: Any
) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs)


def render(copie: Any, answers: dict[str, Any] | None = None) -> Path:
    """Render with these answers (defaults for the rest) and fail with Copier's message if refused."""
    result = copie.copy(extra_answers=answers or {}, template_dir=TEMPLATE_ROOT)
    assert result.exit_code == 0, f"render failed: {result.exception}"
    return result.project_dir


@pytest.fixture(scope="session")
def default_project(copie_session: Any) -> Path:
    return render(copie_session)
