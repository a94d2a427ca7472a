"""The lockfiles a generated project ships, made from rendered projects and kept in the template.

A project's locks are rendered with it, like any other file: `copier update` then brings a
changed dependency and its changed lock together, as one change of the template. The frontend's
lock differs by database (PostgreSQL adds `pg`); the others are the same for every answer set
but for the project's name, which is put back as a template variable.
"""

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import copier

from .matrix import TEMPLATE_ROOT

DATABASES = ("sqlite", "postgres")
# The name every lock is made with; `{{ project_slug }}` stands for it in the template.
SLUG = "lock-maker"


@dataclass(frozen=True)
class Lock:
    """One lockfile: where it is rendered, the template file it comes from, how it is made."""

    rendered: str  # path in a project rendered with the default folders
    template: str  # path in the template
    command: tuple[str, ...]  # run in the rendered file's folder
    name_pattern: str  # how the project's name appears in it (a regex with one group: the slug)


def locks_for(database: str) -> list[Lock]:
    frontend = f"{{% if database == '{database}' %}}package-lock.json{{% endif %}}.jinja"
    npm_lock = ("npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit")
    locks = [
        Lock(
            "frontend/package-lock.json",
            f"template/{{{{frontend_dir}}}}/{frontend}",
            npm_lock,
            r'"name": "(lock-maker)-frontend"',
        )
    ]
    if database == DATABASES[0]:
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


def render(database: str, destination: Path, template_root: Path = TEMPLATE_ROOT) -> Path:
    copier.run_copy(
        str(template_root),
        destination,
        data={"project_name": SLUG, "database": database},
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def refresh(template_root: Path = TEMPLATE_ROOT, *, log=print) -> list[Path]:
    """Make every lock anew from a render of this working tree; return the template files."""
    written = []
    for database in DATABASES:
        with tempfile.TemporaryDirectory(prefix=f"locks-{database}-") as folder:
            project = render(database, Path(folder) / "project", template_root)
            for lock in locks_for(database):
                target = project / lock.rendered
                target.unlink(missing_ok=True)  # made from the manifest alone, not from the old one
                log(f"{database}: {' '.join(lock.command)} in {target.parent.name}/")
                tool = shutil.which(lock.command[0])
                if tool is None:
                    raise FileNotFoundError(f"{lock.command[0]} is needed to make {lock.rendered}")
                subprocess.run([tool, *lock.command[1:]], cwd=target.parent, check=True)
                source = template_root / lock.template
                source.write_text(as_template(target.read_text(), lock.name_pattern))
                written.append(source)
    return written
