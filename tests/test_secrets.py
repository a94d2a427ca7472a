"""Secrets: random, long, drawn by `npm run setup` into gitignored files only their owner can
read (never for a moment readable by others), never in the answers file or a tracked file."""

import re
import stat
from pathlib import Path

import yaml

from .conftest import TEMPLATE_ROOT, Renders, run

HEX_SECRET = re.compile(r"^API_JWT_SECRET=([0-9a-f]{64})$", re.MULTILINE)
ANY_HEX_SECRET = re.compile(r"\b[0-9a-f]{64}\b")
# Records the mode of every env file when setup writes to it: fs calls made by setup.mjs's own
# named imports (Node copies patched built-ins into ES modules with syncBuiltinESMExports).
WRITE_SPY = """
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const { appendFileSync, statSync } = fs;
for (const name of ["appendFileSync", "writeFileSync", "renameSync"]) {
  const original = fs[name];
  fs[name] = (...args) => {
    const result = original(...args);
    const path = String(name === "renameSync" ? args[1] : args[0]);
    if (/[.]env([.]local)?$/.test(path)) {
      const mode = (statSync(path).mode & 0o777).toString(8);
      appendFileSync(process.env.WRITE_LOG, `${name} ${path} ${mode}\\n`);
    }
    return result;
  };
}
syncBuiltinESMExports();
"""


def git_tracked_text(project: Path) -> str:
    """Everything `git add -A` would commit in the project, as one text."""
    assert run(["git", "init", "-q"], project).returncode == 0
    assert run(["git", "add", "-A"], project).returncode == 0
    tracked = run(["git", "ls-files", "-z"], project).stdout.split("\0")
    return "\n".join((project / name).read_text() for name in tracked if name)


def draw_secrets(project: Path, node_env: dict[str, str], *node_args: str) -> str:
    """`npm run setup`'s first step, alone: complete the env files."""
    result = run(["node", *node_args, "scripts/setup.mjs", "--env-files"], project, env=node_env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def api_secret(env_file: Path) -> str:
    match = HEX_SECRET.search(env_file.read_text())
    assert match, f"no 64-hex-digit API_JWT_SECRET in {env_file}"
    return match.group(1)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def hex_strings(project: Path) -> dict[str, set[str]]:
    """The 64-hex-digit strings in each rendered file (a drawn secret's shape)."""
    return {
        str(path.relative_to(project)): set(ANY_HEX_SECRET.findall(path.read_text()))
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }


def test_copier_writes_no_secret_anywhere(render: Renders) -> None:
    """Copier writes files readable by all (its umask): no secret may be among them. A secret is
    drawn anew each time, so two renders with the same answers would differ by it."""
    for answers in [{}, {"token_mode": "shared_secret", "database": "postgres"}]:
        first, second = render(answers), render(answers)
        env_files = [p.name for p in first.rglob(".env*") if p.name != ".env.example"]
        assert env_files == [], answers
        assert hex_strings(first) == hex_strings(second), answers


def test_shared_secret_is_random_long_and_only_in_gitignored_files_of_the_owner(
    render: Renders, node_env: dict[str, str]
) -> None:
    project = render({"token_mode": "shared_secret"})
    output = draw_secrets(project, node_env)
    assert "setup: added BETTER_AUTH_SECRET, API_JWT_SECRET to frontend/.env.local" in output
    secret = api_secret(project / "backend/.env")
    assert api_secret(project / "frontend/.env.local") == secret  # one secret, both halves
    assert len(bytes.fromhex(secret)) >= 32
    for env_file in ["backend/.env", "frontend/.env.local"]:
        assert mode(project / env_file) == 0o600, env_file
    assert secret not in git_tracked_text(project)
    ignored = run(["git", "status", "--ignored", "--porcelain"], project).stdout
    assert "backend/.env" in ignored and "frontend/.env.local" in ignored
    answers_file = (project / ".copier-answers.yml").read_text()
    assert secret not in answers_file
    assert "secret" not in "".join(yaml.safe_load(answers_file)).replace("secret_location", "")


def test_a_secret_never_sits_in_a_file_others_can_read_not_even_for_a_moment(
    render: Renders, node_env: dict[str, str], tmp_path: Path
) -> None:
    """An env file an earlier version left readable by all, lacking a secret the answers now
    need: setup makes it its owner's before the secret goes in."""
    project = render({"token_mode": "shared_secret"})
    for env_file, line in [
        ("frontend/.env.local", "BETTER_AUTH_SECRET=" + "ab" * 32),
        ("backend/.env", "# nothing yet"),
    ]:
        (project / env_file).write_text(line + "\n")
        (project / env_file).chmod(0o644)
    spy, log = tmp_path / "spy.mjs", tmp_path / "writes.log"
    spy.write_text(WRITE_SPY)
    draw_secrets(project, {**node_env, "WRITE_LOG": str(log)}, f"--import={spy}")
    writes = log.read_text().splitlines()  # API_JWT_SECRET, appended to each file
    written = {str(Path(write.split()[1]).relative_to(project)) for write in writes}
    assert written == {"frontend/.env.local", "backend/.env"}, writes
    assert all(write.endswith(" 600") for write in writes), writes
    assert api_secret(project / "backend/.env") == api_secret(project / "frontend/.env.local")


def test_every_setup_draws_new_secrets(render: Renders, node_env: dict[str, str]) -> None:
    first = render({"token_mode": "shared_secret"})
    second = render({"token_mode": "shared_secret"})
    draw_secrets(first, node_env)
    draw_secrets(second, node_env)
    assert api_secret(first / "backend/.env") != api_secret(second / "backend/.env")


def test_setup_never_changes_a_secret_that_is_there(
    render: Renders, node_env: dict[str, str]
) -> None:
    project = render({"token_mode": "shared_secret"})
    draw_secrets(project, node_env)
    before = {
        name: (project / name).read_text() for name in ["backend/.env", "frontend/.env.local"]
    }
    assert "setup: added" not in draw_secrets(project, node_env)
    assert {name: (project / name).read_text() for name in before} == before


def test_example_files_hold_placeholders_not_secrets(
    render: Renders, node_env: dict[str, str]
) -> None:
    project = render({"token_mode": "shared_secret"})
    draw_secrets(project, node_env)
    example = (project / "backend/.env.example").read_text()
    assert "API_JWT_SECRET=replace-with-64-random-hex-characters" in example
    assert api_secret(project / "backend/.env") not in example


def test_environment_and_secrets_dir_locations_write_no_env_files(
    render: Renders, node_env: dict[str, str]
) -> None:
    for location in ["environment", "secrets_dir"]:
        project = render({"token_mode": "shared_secret", "secret_location": location})
        draw_secrets(project, node_env)
        env_files = [p.relative_to(project) for p in project.rglob(".env*")]
        assert [str(p) for p in env_files if p.name != ".env.example"] == [], location


def test_env_files_are_never_touched_by_an_update() -> None:
    """Nor deleted when an answer stops needing them (test_update changes secret_location)."""
    config = yaml.safe_load((TEMPLATE_ROOT / "copier.yml").read_text())
    for env_file in ["{{ backend_dir }}/.env", "{{ frontend_dir }}/.env.local"]:
        assert (
            f"{{% if _copier_operation == 'update' %}}{env_file}{{% endif %}}" in config["_exclude"]
        )


def test_jwks_backend_holds_no_secret(render: Renders, node_env: dict[str, str]) -> None:
    project = render()
    draw_secrets(project, node_env)
    assert not (project / "backend/.env").exists()
    assert "BETTER_AUTH_SECRET=" in (project / "frontend/.env.local").read_text()
    assert "api_jwt_secret" not in (project / "backend/my_app/core/config.py").read_text()
