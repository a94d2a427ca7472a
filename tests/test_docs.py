"""Docs that cannot drift: every path, command and version the READMEs, the generated docs/ and
the after-copy message name exists, or agrees, in a render of the defaults (and of the other
token mode, for the files that differ by mode)."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE_ROOT, Renders

# What `npm run setup` makes, which a fresh render does not hold yet.
MADE_BY_SETUP = {"frontend/lib/openapi/", "backend/.env", "frontend/.env.local"}
FILE_NAME = re.compile(r"(?<![\w/.-])([\w-]+\.(?:py|ts|tsx|mjs|json|toml|yml|md|lock))\b")
# Names the docs give files of the reader's own, as examples.
EXAMPLE_NAMES = {"answers.yml"}
NPM_RUN = re.compile(r"npm run ([\w:-]+)")
PYTHON_M = re.compile(r"python -m my_app (\w+)")
VERSION_CLAIM = re.compile(r"(Python|Node\.js) (\d+\.\d+)\+")


@pytest.fixture(scope="module")
def projects(render: Renders) -> tuple[Path, Path]:
    """The defaults, and the other token mode (with the other answers that name files)."""
    other = {
        "token_mode": "shared_secret",
        "database": "postgres",
        "secret_location": "secrets_dir",
        "sign_in_providers": ["github", "google", "oidc"],
    }
    return render(), render(other)


def after_copy_message() -> str:
    return yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())["_message_after_copy"]


def documents(project: Path) -> dict[str, str]:
    """Every text a person reads for this project: both READMEs, docs/, the after-copy message."""
    texts = {
        "README.md (template)": (TEMPLATE_ROOT / "README.md").read_text(),
        "README.md": (project / "README.md").read_text(),
        "copier.yml _message_after_copy": after_copy_message(),
    }
    texts.update({f"docs/{p.name}": p.read_text() for p in (project / "docs").glob("*.md")})
    return texts


def code_block_after(markdown: str, heading: str) -> str:
    section = markdown.split(f"\n{heading}\n", 1)[1]
    found = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert found, heading
    return found.group(1)


def tree_paths(block: str, indent: int) -> list[str]:
    """The paths a layout drawing names: each line's first word, under the folders it is
    indented below (`indent` spaces a level); a line indented past the names continues the one
    before it."""
    paths: list[str] = []
    parents: list[tuple[int, str]] = []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip())) // indent
        word = line.split()[0] if line.strip() else ""
        if not word or depth > len(parents) + 1 or not re.fullmatch(r"[\w.@/{}-]+", word):
            continue
        parents = [(d, name) for d, name in parents if d < depth]
        path = "".join(name for _, name in parents) + word
        paths.append(path)
        if word.endswith("/"):
            parents.append((depth, word))
    return paths


def exists(path: str, projects: tuple[Path, ...]) -> bool:
    if path in MADE_BY_SETUP:
        return True
    return any((project / path).exists() for project in projects)


def test_every_path_in_the_generated_readmes_layout_exists(projects: tuple[Path, Path]) -> None:
    readme = (projects[0] / "README.md").read_text()
    paths = tree_paths(code_block_after(readme, "## Layout"), indent=2)
    assert len(paths) > 40, paths
    missing = [path for path in paths if not exists(path, projects)]
    assert missing == [], "the generated README's Layout names what a render lacks"


def test_every_path_in_the_template_readmes_drawing_exists(projects: tuple[Path, Path]) -> None:
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    drawn = tree_paths(code_block_after(readme, "## The generated project"), indent=2)
    paths = [path.removeprefix("my-app/") for path in drawn[1:]]
    assert len(paths) > 15, paths
    missing = [path for path in paths if not exists(path, projects)]
    assert missing == [], "the template README's drawing names what a render lacks"


def test_every_file_name_the_docs_mention_is_a_file_of_a_render(
    projects: tuple[Path, Path],
) -> None:
    names = {
        path.name for project in projects for path in project.rglob("*") if ".git" not in path.parts
    }
    listed = subprocess.run(["git", "ls-files"], cwd=TEMPLATE_ROOT, capture_output=True, text=True)
    template_names = {Path(path).name for path in listed.stdout.splitlines()}
    unknown = {}
    for where, text in documents(projects[0]).items():
        known = names | EXAMPLE_NAMES | (template_names if "(template)" in where else set())
        unknown[where] = sorted(set(FILE_NAME.findall(text)) - known)
    assert {where: found for where, found in unknown.items() if found} == {}


def test_every_npm_script_the_docs_name_exists(projects: tuple[Path, Path]) -> None:
    scripts: set[str] = set()
    for project in projects:
        for manifest in [project / "package.json", project / "frontend/package.json"]:
            scripts |= json.loads(manifest.read_text())["scripts"].keys()
    named = {
        where: sorted(set(NPM_RUN.findall(text)) - scripts)
        for where, text in documents(projects[0]).items()
    }
    assert {where: found for where, found in named.items() if found} == {}


def test_every_command_of_the_api_the_docs_name_exists(projects: tuple[Path, Path]) -> None:
    backend = projects[0] / "backend"
    shown = subprocess.run(
        [sys.executable, "-m", "my_app", "--help"],
        cwd=backend,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"},
    )
    assert shown.returncode == 0, shown.stderr
    commands = set(re.findall(r"^│ (\w+) ", shown.stdout, re.MULTILINE))
    assert {"token", "doctor", "serve", "openapi"} <= commands, shown.stdout
    named = {
        where: sorted(set(PYTHON_M.findall(text)) - commands)
        for where, text in documents(projects[0]).items()
    }
    assert {where: found for where, found in named.items() if found} == {}


def test_every_python_and_node_version_named_agrees_with_what_setup_requires(
    projects: tuple[Path, Path],
) -> None:
    project = projects[0]
    setup = (project / "scripts/setup.mjs").read_text()
    required = {
        name: ".".join(re.search(rf"const {constant} = \[(\d+), (\d+)\]", setup).groups())
        for name, constant in [("Python", "MIN_PYTHON"), ("Node.js", "MIN_NODE")]
    }
    pyproject = tomllib.loads((project / "backend/pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == f">={required['Python']}"
    for manifest in [project / "package.json", project / "frontend/package.json"]:
        engines = json.loads(manifest.read_text())["engines"]
        assert engines["node"] == f">={required['Node.js']}", manifest.relative_to(project)
    claims = {
        where: {(name, version) for name, version in VERSION_CLAIM.findall(text)}
        for where, text in documents(project).items()
    }
    assert any(claims.values()), claims
    wrong = {
        where: sorted(claim for claim in found if claim[1] != required[claim[0]])
        for where, found in claims.items()
    }
    assert {where: found for where, found in wrong.items() if found} == {}
