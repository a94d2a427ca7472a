"""A generated project ships a lockfile for each half, and each one agrees with its manifest.

`npm ci` and `uv sync --locked` (what `npm run setup` runs) refuse a lock that disagrees with
package.json or pyproject.toml; these tests ask the same tools the same question without
installing, for each lock the template renders (`template-hooks lock` makes them).
"""

import json
import re

import pytest

from hooks.locks import PACKAGE_SETS, UV_REQUIREMENTS, as_template, locks_for, uv_requirements

from .conftest import TEMPLATE_ROOT, TOOLS_BIN, Renders, run

pytestmark = pytest.mark.slow

UV = str(TOOLS_BIN / "uv")


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_every_lock_agrees_with_its_manifest_and_names_the_project(
    render: Renders, node_env: dict[str, str], database: str
) -> None:
    project = render({"project_name": "Zeta Shop", "database": database})
    for folder in [project, project / "frontend"]:
        lock = json.loads((folder / "package-lock.json").read_text())
        manifest = json.loads((folder / "package.json").read_text())
        assert lock["name"] == lock["packages"][""]["name"] == manifest["name"]
        for kind in ["dependencies", "devDependencies"]:
            assert lock["packages"][""].get(kind) == manifest.get(kind), f"{folder.name}: {kind}"
        agrees = run(["npm", "ci", "--dry-run", "--ignore-scripts"], folder, env=node_env)
        assert agrees.returncode == 0, f"{folder.name}: {agrees.stderr[-2000:]}"
    backend = project / "backend"
    assert 'name = "zeta-shop-backend"' in (backend / "uv.lock").read_text()
    agrees = run([UV, "lock", "--locked"], backend)
    assert agrees.returncode == 0, agrees.stderr[-2000:]


def test_a_lock_that_disagrees_with_its_manifest_is_refused(
    render: Renders, node_env: dict[str, str]
) -> None:
    """The check above can fail: a dependency added to each manifest without its lock."""
    project = render()
    frontend = project / "frontend"
    manifest = json.loads((frontend / "package.json").read_text())
    manifest["dependencies"]["left-pad"] = "1.3.0"
    (frontend / "package.json").write_text(json.dumps(manifest, indent=2))
    refused = run(["npm", "ci", "--dry-run", "--ignore-scripts"], frontend, env=node_env)
    assert refused.returncode != 0 and "in sync" in refused.stderr
    pyproject = project / "backend/pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("dependencies = [\n", 'dependencies = [\n    "six>=1.16",\n'))
    refused = run([UV, "lock", "--locked"], project / "backend")
    assert refused.returncode != 0 and "needs to be updated" in refused.stderr


def test_setup_installs_what_the_locks_say() -> None:
    """setup.mjs runs npm ci and uv sync --locked, never an install that rewrites a lock."""
    setup = (TEMPLATE_ROOT / "template/scripts/setup.mjs.jinja").read_text()
    assert '"ci"' in setup and '"sync", "--locked"' in setup
    assert '"install", "--no-audit"' not in setup and "pip install -e" not in setup


def test_a_lock_with_jinja_syntax_or_without_the_project_name_is_not_made_a_template() -> None:
    npm_lock = locks_for("sqlite")[0]
    made = as_template('{"name": "lock-maker-frontend"}', npm_lock.name_pattern)
    assert made == '{"name": "{{ project_slug }}-frontend"}'
    with pytest.raises(ValueError, match="Jinja"):
        as_template('{"name": "lock-maker-frontend", "x": "{{ y }}"}', npm_lock.name_pattern)
    with pytest.raises(ValueError, match="not in the lockfile"):
        as_template('{"name": "other"}', npm_lock.name_pattern)


def test_each_set_of_frontend_packages_has_its_own_lock_and_one_lock_for_the_rest() -> None:
    for packages in PACKAGE_SETS:
        for lock in locks_for(packages):
            assert (TEMPLATE_ROOT / lock.template).is_file(), lock.template
    lock = {
        name: (TEMPLATE_ROOT / locks_for(name)[0].template).read_text() for name in PACKAGE_SETS
    }
    assert '"node_modules/pg"' in lock["postgres"] and '"node_modules/pg"' not in lock["sqlite"]
    assert '"node_modules/ioredis"' in lock["postgres-redis"]
    assert '"node_modules/ioredis"' not in lock["postgres"]


def test_setup_installs_uv_only_as_its_requirements_file_pins_and_hashes_it() -> None:
    """Without uv on PATH, setup installs it with pip: one version, and a file whose hash is
    listed (a tampered download is refused). test_e2e's PostgreSQL project runs that path."""
    setup = (TEMPLATE_ROOT / "template/scripts/setup.mjs.jinja").read_text()
    assert '"--require-hashes", "--no-deps", "-r", requirements' in setup
    assert "uv>=" not in setup
    text = (TEMPLATE_ROOT / UV_REQUIREMENTS).read_text()
    pins = re.findall(r"^uv==(\d+\.\d+\.\d+) \\$", text, re.MULTILINE)
    hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", text)
    assert len(pins) == 1 and len(hashes) >= 10 and len(set(hashes)) == len(hashes), text


def test_the_uv_requirements_hash_every_file_of_one_version() -> None:
    files = [
        {"filename": "uv-1.2.3-py3-none-manylinux_x86_64.whl", "hashes": {"sha256": "b" * 64}},
        {"filename": "uv-1.2.3.tar.gz", "hashes": {"sha256": "a" * 64}},
        {"filename": "uv-1.2.30-py3-none-any.whl", "hashes": {"sha256": "c" * 64}},
    ]
    made = uv_requirements("1.2.3", files)
    assert made.splitlines()[-3:] == [
        "uv==1.2.3 \\",
        f"    --hash=sha256:{'a' * 64} \\",
        f"    --hash=sha256:{'b' * 64}",
    ]
    with pytest.raises(ValueError, match=r"no file of uv 9\.9\.9"):
        uv_requirements("9.9.9", files)
