"""The lowest versions each pyproject.toml allows really work: a floor set too low fails here.

uv resolves every direct dependency to its floor (`--resolution lowest-direct`), installs exactly
that into a fresh virtual environment, and the code runs there: the generated backend's own
tests, and the template rendering a project identical to the one the newest versions render.
"""

import filecmp
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from .conftest import TEMPLATE_ROOT, TOOLS_BIN, Renders, run

pytestmark = pytest.mark.slow

UV = str(TOOLS_BIN / "uv")


def lowest_environment(project: Path, venv: Path, extras: list[str]) -> Path:
    """A virtual environment with the lowest versions `project` allows; its python."""
    pins = venv.parent / f"{venv.name}-lowest.txt"
    extra_args = [arg for extra in extras for arg in ("--extra", extra)]
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    compile_args = ["pip", "compile", "pyproject.toml", "--resolution", "lowest-direct"]
    for command in (
        [UV, *compile_args, *extra_args, "--python", python, "-q", "-o", str(pins)],
        [UV, "venv", "-q", "--python", sys.executable, str(venv)],
        [UV, "pip", "install", "-q", "--python", str(venv), "-r", str(pins)],
        [UV, "pip", "install", "-q", "--python", str(venv), "--no-deps", "-e", "."],
    ):
        result = run(command, project, timeout=900)
        assert result.returncode == 0, f"{command[1:3]}: {result.stderr[-3000:]}"
    return venv / "bin" / "python"


def floors(pins: Path) -> dict[str, str]:
    lines = [line for line in pins.read_text().splitlines() if "==" in line]
    return dict(line.strip().split("==", 1) for line in lines)


@pytest.mark.serial  # the whole suite: real servers and clocks
def test_generated_backend_passes_its_tests_at_the_lowest_versions_it_allows(
    render: Renders, tmp_path: Path
) -> None:
    backend = render() / "backend"
    python = lowest_environment(backend, tmp_path / "backend-venv", ["test"])
    installed = floors(tmp_path / "backend-venv-lowest.txt")
    declared = (backend / "pyproject.toml").read_text()
    for name in ["fastapi", "starlette", "pydantic-settings", "typer", "uvicorn", "pyjwt"]:
        floor = declared.split(f'"{name}', 1)[1].split(">=", 1)[1].split(",", 1)[0].rstrip('"')
        assert Version(installed[name]) == Version(floor), f"{name} is not at its floor"
    tests = run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], backend, timeout=1500
    )
    assert tests.returncode == 0, tests.stdout[-4000:]
    assert " passed" in tests.stdout.splitlines()[-1]


def test_template_renders_the_same_project_at_the_lowest_versions_it_allows(
    tmp_path: Path,
) -> None:
    python = lowest_environment(TEMPLATE_ROOT, tmp_path / "template-venv", [])
    installed = floors(tmp_path / "template-venv-lowest.txt")
    assert installed["copier"].startswith("9.") and installed["jinja2"] == "3.1.6"
    at_floor, newest = tmp_path / "at-floor", tmp_path / "newest"
    for interpreter, destination in [(python, at_floor), (Path(sys.executable), newest)]:
        rendered = run(
            [
                str(interpreter),
                "-m",
                "hooks",
                "render",
                "defaults",
                "--destination",
                str(destination),
            ],
            TEMPLATE_ROOT,
            timeout=300,
        )
        assert rendered.returncode == 0, rendered.stderr[-3000:]
    answers = ".copier-answers.yml"  # its _commit names the render's own snapshot of the tree
    assert differences(filecmp.dircmp(at_floor, newest, ignore=[answers])) == []
    assert without_commit(at_floor / answers) == without_commit(newest / answers)


def without_commit(answers: Path) -> list[str]:
    return [line for line in answers.read_text().splitlines() if not line.startswith("_commit:")]


def differences(comparison: filecmp.dircmp) -> list[str]:
    """Every file that differs, or is in one tree only, in two folders and all below them."""
    found = [*comparison.diff_files, *comparison.left_only, *comparison.right_only]
    here = [str(Path(comparison.left).name + "/" + name) for name in found]
    return here + [path for sub in comparison.subdirs.values() for path in differences(sub)]
