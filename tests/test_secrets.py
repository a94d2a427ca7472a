"""Secrets: random, long, only in gitignored env files, never in the answers file or a tracked file."""

import re
from pathlib import Path
from typing import Any

import yaml

from .conftest import TEMPLATE_ROOT, render, run

HEX_SECRET = re.compile(r"^API_JWT_SECRET=([0-9a-f]{64})$", re.MULTILINE)


def git_tracked_text(project: Path) -> str:
    """Everything `git add -A` would commit in the project, as one text."""
    assert run(["git", "init", "-q"], project).returncode == 0
    assert run(["git", "add", "-A"], project).returncode == 0
    tracked = run(["git", "ls-files", "-z"], project).stdout.split("\0")
    return "\n".join((project / name).read_text() for name in tracked if name)


def api_secret(env_file: Path) -> str:
    match = HEX_SECRET.search(env_file.read_text())
    assert match, f"no 64-hex-digit API_JWT_SECRET in {env_file}"
    return match.group(1)


def test_shared_secret_is_random_long_and_only_in_gitignored_files(copie: Any) -> None:
    project = render(copie, {"token_mode": "shared_secret"})
    secret = api_secret(project / "backend/.env")
    assert len(bytes.fromhex(secret)) >= 32
    assert secret not in git_tracked_text(project)
    assert "backend/.env" in run(["git", "status", "--ignored", "--porcelain"], project).stdout
    answers_file = (project / ".copier-answers.yml").read_text()
    assert secret not in answers_file
    assert "secret" not in "".join(yaml.safe_load(answers_file)).replace("secret_location", "")


def test_every_render_draws_new_secrets(copie: Any) -> None:
    first = render(copie, {"token_mode": "shared_secret"})
    second = render(copie, {"token_mode": "shared_secret"})
    assert api_secret(first / "backend/.env") != api_secret(second / "backend/.env")


def test_example_files_hold_placeholders_not_secrets(copie: Any) -> None:
    project = render(copie, {"token_mode": "shared_secret"})
    example = (project / "backend/.env.example").read_text()
    assert "API_JWT_SECRET=replace-with-64-random-hex-characters" in example
    assert api_secret(project / "backend/.env") not in example


def test_environment_and_secrets_dir_locations_write_no_env_files(copie: Any) -> None:
    for location in ["environment", "secrets_dir"]:
        project = render(copie, {"token_mode": "shared_secret", "secret_location": location})
        env_files = [p.relative_to(project) for p in project.rglob(".env*")]
        assert [str(p) for p in env_files if p.name != ".env.example"] == [], location
        assert not HEX_SECRET.search(git_tracked_text(project)), location


def test_env_files_are_never_touched_by_an_update() -> None:
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    assert "{{ backend_dir }}/.env" in config["_skip_if_exists"]
    assert "{{ frontend_dir }}/.env.local" in config["_skip_if_exists"]
    # Nor deleted when an answer stops rendering them (test_update changes secret_location).
    for env_file in ["{{ backend_dir }}/.env", "{{ frontend_dir }}/.env.local"]:
        assert (
            f"{{% if _copier_operation == 'update' %}}{env_file}{{% endif %}}" in config["_exclude"]
        )


def test_jwks_backend_holds_no_secret(default_project: Path) -> None:
    env = (default_project / "backend/.env").read_text()
    assert "API_JWT_SECRET" not in env
    assert "api_jwt_secret" not in (default_project / "backend/my_app/core/config.py").read_text()
