"""The lockfiles a generated project ships, made from rendered projects and kept in the template.

A project's locks are rendered with it, like any other file: `copier update` then brings a
changed dependency and its changed lock together, as one change of the template. The frontend's
lock differs by its packages (copier.yml's `frontend_packages`: PostgreSQL adds `pg`, Redis its
client); the others are the same for every answer set but for the project's name, which is put
back as a template variable.
"""

import json
import re
import shutil
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import copier

from .matrix import TEMPLATE_ROOT

# Each set of frontend packages, and the answers that render it.
PACKAGE_SETS = {
    "sqlite": {"database": "sqlite"},
    "postgres": {"database": "postgres"},
    "postgres-redis": {"database": "postgres", "session_store": "redis"},
}
# The name every lock is made with; `{{ project_slug }}` stands for it in the template.
SLUG = "lock-maker"


@dataclass(frozen=True)
class Lock:
    """One lockfile: where it is rendered, the template file it comes from, how it is made."""

    rendered: str  # path in a project rendered with the default folders
    template: str  # path in the template
    command: tuple[str, ...]  # run in the rendered file's folder
    name_pattern: str  # how the project's name appears in it (a regex with one group: the slug)


def locks_for(packages: str) -> list[Lock]:
    frontend = f"{{% if frontend_packages == '{packages}' %}}package-lock.json{{% endif %}}.jinja"
    npm_lock = ("npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit")
    locks = [
        Lock(
            "frontend/package-lock.json",
            f"template/{{{{frontend_dir}}}}/{frontend}",
            npm_lock,
            r'"name": "(lock-maker)-frontend"',
        )
    ]
    if packages == "sqlite":
        locks += [
            Lock(
                "package-lock.json",
                "template/package-lock.json.jinja",
                npm_lock,
                r'"name": "(lock-maker)"',
            ),
            Lock(
                "backend/uv.lock",
                "template/{{backend_dir}}/uv.lock.jinja",
                ("uv", "lock"),
                r'name = "(lock-maker)-backend"',
            ),
        ]
    return locks


def as_template(text: str, name_pattern: str) -> str:
    """The lock with the project's name as `{{ project_slug }}`; nothing else may look like Jinja."""
    if "{{" in text or "{%" in text or "{#" in text:
        raise ValueError("a lockfile holds Jinja syntax: it cannot be rendered as it is")
    replaced, count = re.subn(
        name_pattern, lambda match: match.group(0).replace(SLUG, "{{ project_slug }}"), text
    )
    if count == 0:
        raise ValueError(f"the project's name ({name_pattern}) is not in the lockfile")
    return replaced


def render(packages: str, destination: Path, template_root: Path = TEMPLATE_ROOT) -> Path:
    copier.run_copy(
        str(template_root),
        destination,
        data={"project_name": SLUG, **PACKAGE_SETS[packages]},
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def refresh(template_root: Path = TEMPLATE_ROOT, *, log=print) -> list[Path]:
    """Make every lock anew from a render of this working tree; return the template files."""
    written = []
    for packages in PACKAGE_SETS:
        with tempfile.TemporaryDirectory(prefix=f"locks-{packages}-") as folder:
            project = render(packages, Path(folder) / "project", template_root)
            for lock in locks_for(packages):
                target = project / lock.rendered
                target.unlink(missing_ok=True)  # made from the manifest alone, not from the old one
                log(f"{packages}: {' '.join(lock.command)} in {target.parent.name}/")
                tool = shutil.which(lock.command[0])
                if tool is None:
                    raise FileNotFoundError(f"{lock.command[0]} is needed to make {lock.rendered}")
                subprocess.run([tool, *lock.command[1:]], cwd=target.parent, check=True)
                source = template_root / lock.template
                source.write_text(as_template(target.read_text(), lock.name_pattern))
                written.append(source)
    return written


# uv, which `npm run setup` installs with pip into the API's environment when uv is not on PATH:
# one version, with the hash of every file PyPI has for it (pip install --require-hashes).
UV_REQUIREMENTS = "template/scripts/requirements-uv.txt"
PYPI_SIMPLE = "https://pypi.org/simple"


def uv_requirements(version: str, files: list[dict]) -> str:
    """The requirements file for uv `version`, from PyPI's file list (PEP 691 JSON)."""
    prefix = f"uv-{version}"
    hashes = sorted(
        entry["hashes"]["sha256"]
        for entry in files
        if entry["filename"].startswith((f"{prefix}-", f"{prefix}.tar.gz"))
    )
    if not hashes:
        raise ValueError(f"PyPI lists no file of uv {version}")
    lines = [
        "# uv, which `npm run setup` installs into the API's environment when it is not on your",
        "# PATH: this version only, and only a file whose hash is one of these (pip",
        "# --require-hashes). Made by the template's `template-hooks lock`; Dependabot keeps it current.",
        f"uv=={version} \\",
        *(f"    --hash=sha256:{digest} \\" for digest in hashes[:-1]),
        f"    --hash=sha256:{hashes[-1]}",
    ]
    return "\n".join(lines) + "\n"


def newest_uv_files() -> tuple[str, list[dict]]:
    request = urllib.request.Request(
        f"{PYPI_SIMPLE}/uv/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        listing = json.load(answer)
    version = max(
        (v for v in listing["versions"] if re.fullmatch(r"\d+\.\d+\.\d+", v)),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    return version, listing["files"]


def refresh_uv_requirements(template_root: Path = TEMPLATE_ROOT) -> Path:
    target = template_root / UV_REQUIREMENTS
    target.write_text(uv_requirements(*newest_uv_files()))
    return target
