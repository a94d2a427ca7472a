"""The template's architecture rules, checked on its files and on one render per answer value,
without installing anything. Every axis of variation (token_mode, secret_location, database) is
a set of files named by their role: each value provides every role the shared code imports (the
protocols of token_mode.py, core/config.py and tests/test_token_mode.py, the interfaces of
lib/auth/token-mode.ts, lib/server/secrets.ts and lib/auth.ts); shared files never branch on an
answer or name its files; every value's include defines the same facts; only templated files
carry .jinja; and a rendered project has no import circles."""

import ast
import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from .conftest import TEMPLATE_ROOT, Renders

MODES = ["jwks", "shared_secret"]
# Each answer that varies the files, its values, and the name its facts are imported as.
VARIATIONS = {
    "token_mode": MODES,
    "secret_location": ["dotenv", "environment", "secrets_dir"],
    "database": ["sqlite", "postgres"],
    "session_store": ["database", "redis"],
}
# Computed in copier.yml from the answers above; files may be named by it too.
COMPUTED = {
    "backend_secret_source": VARIATIONS["secret_location"],
    "frontend_packages": ["sqlite", "postgres", "postgres-redis"],
}
TEMPLATE = TEMPLATE_ROOT / "template"
VALUE_FILE = re.compile(r"\{% if (\w+) (==|!=) '([\w-]+)' %\}")
MODE_FILE = re.compile(r"\{% if token_mode == '(\w+)' %\}")
ROLE_FILE = re.compile(r"^([\w/.-]+\.(?:py|ts)): ")


@pytest.fixture(scope="module", params=MODES)
def mode_project(request: pytest.FixtureRequest, render: Renders) -> tuple[str, Path]:
    return request.param, render({"token_mode": request.param})


def module_names(source: str) -> set[str]:
    """What a Python module defines or imports at its top level."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def python_roles(source: str) -> dict[str, set[str]]:
    """Each Protocol whose docstring begins with its role's file: that file, and its members."""
    roles: dict[str, set[str]] = {}
    for node in ast.parse(source).body:
        docstring = isinstance(node, ast.ClassDef) and ast.get_docstring(node)
        match = docstring and ROLE_FILE.match(docstring)
        if isinstance(node, ast.ClassDef) and match:
            members = module_names(ast.unparse(ast.Module(body=node.body, type_ignores=[])))
            roles[match.group(1)] = members
    return roles


def typescript_roles(source: str) -> dict[str, set[str]]:
    found = re.findall(
        r"/\*\* (lib/[\w/-]+\.ts): .*?\*/\s*export interface \w+ \{(.*?)\n\}", source, re.S
    )
    return {
        path: set(re.findall(r"^\s+(?:readonly )?(\w+)[(:]", body, re.M)) for path, body in found
    }


def test_every_token_mode_provides_each_role_the_shared_code_imports(
    mode_project: tuple[str, Path],
) -> None:
    mode, project = mode_project
    package = project / "backend/my_app"
    python = python_roles((package / "token_mode.py").read_text())
    tests = python_roles((project / "backend/tests/test_token_mode.py").read_text())
    typescript = typescript_roles((project / "frontend/lib/auth/token-mode.ts").read_text())
    assert set(python) == {"jwt_auth/key_source.py", "doctor/key_checks.py", "cli/token.py"}
    assert set(tests) == {"tests/keys.py"} and len(typescript) == 2
    for root, roles in [(package, python), (project / "backend", tests)]:
        for path, members in roles.items():
            assert (root / path).is_file(), f"{mode} mode renders no {path}"
            missing = members - module_names((root / path).read_text())
            assert not missing, f"{mode} mode's {path} lacks {sorted(missing)}"
    for path, members in typescript.items():
        source = (project / "frontend" / path).read_text()
        exported = set(re.findall(r"^export (?:async )?(?:function|const) (\w+)", source, re.M))
        assert members <= exported, f"{mode} mode's {path} lacks {sorted(members - exported)}"


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"secret_location": "environment"},
        {"secret_location": "secrets_dir", "token_mode": "shared_secret", "database": "postgres"},
        {"database": "postgres", "session_store": "redis"},
    ],
    ids=["dotenv-sqlite", "environment", "secrets_dir-postgres", "redis"],
)
def test_every_secret_location_and_database_provides_each_role(
    render: Renders, answers: dict[str, str]
) -> None:
    project = render(answers)
    backend, frontend = project / "backend", project / "frontend"
    python = python_roles((backend / "my_app/core/config.py").read_text())
    assert set(python) == {"core/secret_source.py"}
    for path, members in python.items():
        missing = members - module_names((backend / "my_app" / path).read_text())
        assert not missing, f"{answers}: {path} lacks {sorted(missing)}"
    typescript = {
        **typescript_roles((frontend / "lib/server/secrets.ts").read_text()),
        **typescript_roles((frontend / "lib/auth.ts").read_text()),
    }
    assert set(typescript) == {
        "lib/server/secret-source.ts",
        "lib/server/db.ts",
        "lib/server/session-store.ts",
    }
    for path, members in typescript.items():
        source = (frontend / path).read_text()
        exported = set(re.findall(r"^export (?:async )?(?:function|const) (\w+)", source, re.M))
        assert members <= exported, f"{answers}: {path} lacks {sorted(members - exported)}"


def shared_template_files() -> list[Path]:
    return [
        path
        for path in TEMPLATE.rglob("*")
        if path.is_file() and "node_modules" not in path.parts and not VALUE_FILE.search(str(path))
    ]


def test_shared_files_never_branch_on_an_answer_that_varies_files() -> None:
    """token_mode, secret_location and database vary files and facts, never lines of a shared
    file: a shared file uses the facts of the value's include, or a module of the value's own."""
    names = "|".join([*VARIATIONS, *COMPUTED])
    branch = re.compile(rf"\b({names})\s*(==|!=)|{{{{ *({names}) *}}}}")
    offenders = []
    for path in [*shared_template_files(), *(TEMPLATE_ROOT / "includes").rglob("*.jinja")]:
        if "lock" in path.name:
            continue
        if branch.search(path.read_text()):
            offenders.append(str(path.relative_to(TEMPLATE_ROOT)))
    assert offenders == []


def files_by_value(answer: str) -> dict[str, set[str]]:
    """Each value of an answer (or of a value computed from it): the files named for it."""
    values = {**VARIATIONS, **COMPUTED}[answer]
    by_value: dict[str, set[str]] = {value: set() for value in values}
    for path in TEMPLATE.rglob("*"):
        match = path.is_file() and VALUE_FILE.search(str(path))
        if match and match.group(1) == answer:
            rendered = VALUE_FILE.sub("", str(path.relative_to(TEMPLATE))).replace(
                "{% endif %}", ""
            )
            value = match.group(3)
            for named in {value} if match.group(2) == "==" else set(values) - {value}:
                by_value[named].add(rendered.removesuffix(".jinja"))
    return by_value


@pytest.mark.parametrize(
    ("answer", "roles"),
    [
        (
            "secret_location",
            {"scripts/secret-files.mjs", "{{frontend_dir}}/lib/server/secret-source.ts"},
        ),
        (
            "backend_secret_source",
            {
                "{{backend_dir}}/{{package_name}}/core/secret_source.py",
                "{{backend_dir}}/tests/secret_source.py",
                "{{backend_dir}}/tests/test_secret_source.py",
            },
        ),
        (
            "database",
            {"scripts/database.mjs", "{{frontend_dir}}/lib/server/db.ts", "e2e/database.py"},
        ),
        ("session_store", {"{{frontend_dir}}/lib/server/session-store.ts", "e2e/session_store.py"}),
        ("frontend_packages", {"{{frontend_dir}}/package-lock.json"}),
    ],
)
def test_each_value_of_an_answer_has_the_same_role_files(answer: str, roles: set[str]) -> None:
    for value, files in files_by_value(answer).items():
        assert roles <= files, f"{answer}={value} lacks {sorted(roles - files)}"


def test_each_token_mode_has_the_same_role_files() -> None:
    by_mode = files_by_value("token_mode")
    roles = {
        "{{backend_dir}}/{{package_name}}/jwt_auth/key_source.py",
        "{{backend_dir}}/{{package_name}}/doctor/key_checks.py",
        "{{backend_dir}}/{{package_name}}/cli/token.py",
        "{{backend_dir}}/tests/keys.py",
        "{{backend_dir}}/tests/test_key_settings.py",
        "{{backend_dir}}/tests/test_mode_cli.py",
        "{{frontend_dir}}/lib/auth/token-plugins.ts",
        "{{frontend_dir}}/lib/auth/api-token.ts",
        "e2e/test_key_refusals.py",
    }
    for mode, files in by_mode.items():
        assert roles <= files, f"{mode} lacks {sorted(roles - files)}"


def test_only_templated_files_carry_the_jinja_suffix() -> None:
    """A file without Jinja in it stays as its tools know it (copier-uv's rule): ruff, mypy,
    prettier and every structure or duplication check read it in the template itself."""
    plain = [
        str(path.relative_to(TEMPLATE))
        for path in TEMPLATE.rglob("*.jinja")
        if not re.search(r"\{\{|\{%|\{#", path.read_text())
    ]
    assert plain == [], "no Jinja in these: drop their .jinja suffix"


def include_names(path: Path) -> set[str]:
    """The names a Jinja include exports: its top-level `set`s and macros."""
    tree = Environment(autoescape=False).parse(path.read_text())
    assigned = {node.target.name for node in tree.body if isinstance(node, nodes.Assign)}
    return assigned | {node.name for node in tree.body if isinstance(node, nodes.Macro)}


@pytest.mark.parametrize(
    ("answer", "folder", "alias", "some_facts"),
    [
        ("token_mode", "token_modes", "mode", {"algorithm", "token_path", "doctor_checks"}),
        (
            "secret_location",
            "secret_locations",
            "secret_store",
            {"summary", "read_from", "ci_step"},
        ),
        ("database", "databases", "db", {"secrets", "dependencies", "env_example"}),
        ("session_store", "session_stores", "store", {"secrets", "dependencies", "readme_section"}),
    ],
)
def test_every_value_include_defines_the_same_facts(
    answer: str, folder: str, alias: str, some_facts: set[str]
) -> None:
    names = {
        value: include_names(TEMPLATE_ROOT / f"includes/{folder}/{value}.jinja")
        for value in VARIATIONS[answer]
    }
    first = names[VARIATIONS[answer][0]]
    assert some_facts <= first
    assert all(each == first for each in names.values()), names
    used = set()
    for path in [*shared_template_files(), *(TEMPLATE_ROOT / "includes").rglob("*.jinja")]:
        if path.suffix == ".jinja":
            for jinja in re.findall(r"\{[{%].*?[}%]\}", path.read_text(), re.S):
                used.update(re.findall(rf"\b{alias}\.(\w+)", jinja))
    assert used <= first, f"shared files use facts no value defines: {used - first}"


def python_imports(package: Path) -> dict[str, set[str]]:
    """module -> the package's modules it imports (typing-only imports included)."""
    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        is_package = path.name == "__init__.py"
        module = module.removesuffix(".__init__")
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + is_package]
                if node.module:
                    targets.add(".".join([*base, node.module]))
                else:  # from . import token: the submodules themselves
                    targets.update(".".join([*base, alias.name]) for alias in node.names)
        graph[module] = targets
    return graph


def typescript_modules(frontend: Path) -> list[Path]:
    """The frontend's own modules: lib/ (its rooms too, not the generated client), components/
    and app/."""
    lib = [
        p for p in frontend.glob("lib/**/*.ts") if "openapi" not in p.relative_to(frontend).parts
    ]
    return [*lib, *frontend.rglob("components/**/*.tsx"), *frontend.rglob("app/**/*.ts*")]


def typescript_imports(frontend: Path) -> dict[str, set[str]]:
    """module -> the project's modules it imports (by path from frontend/, with extension)."""
    graph: dict[str, set[str]] = {}
    for path in typescript_modules(frontend):
        name = str(path.relative_to(frontend))
        targets = set()
        for spec in re.findall(r'^import [^"]*"([^"]+)"', path.read_text(), re.M):
            if spec.startswith("@/"):
                spec = spec[2:]
            elif spec.startswith("."):
                spec = str((path.parent / spec).resolve().relative_to(frontend.resolve()))
            else:
                continue
            found = [c for c in (spec, f"{spec}.ts", f"{spec}.tsx") if (frontend / c).is_file()]
            targets.add(found[0] if found else spec)
        graph[name] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, found by depth-first search (one path per circle)."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node) :])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            if target in graph:
                visit(target, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def test_no_browser_module_reaches_a_server_only_one(mode_project: tuple[str, Path]) -> None:
    """The frontend's server/browser boundary, in its structure: the modules that hold secrets
    (lib/server/, Better Auth's server in lib/auth.ts) import "server-only", and nothing a "use
    client" module imports, at any depth, does."""
    _, project = mode_project
    frontend = project / "frontend"
    graph = typescript_imports(frontend)
    text = {name: (frontend / name).read_text() for name in graph}
    server_only = {name for name, source in text.items() if 'import "server-only";' in source}
    secret_holders = {
        "lib/auth.ts",
        *(str(p.relative_to(frontend)) for p in frontend.glob("lib/server/*.ts")),
    }
    assert secret_holders <= server_only, sorted(secret_holders - server_only)
    clients = [name for name, source in text.items() if source.startswith('"use client";')]
    assert len(clients) > 5, clients
    crossings = {
        client: sorted(reachable(graph, client) & server_only)
        for client in clients
        if reachable(graph, client) & server_only
    }
    assert crossings == {}


def test_a_rendered_project_has_no_import_circles(mode_project: tuple[str, Path]) -> None:
    _, project = mode_project
    graph = python_imports(project / "backend/my_app")
    # A package that imports its own submodules is no circle; a submodule importing back is.
    within = {m: {t for t in ts if not m.startswith(t + ".") and t != m} for m, ts in graph.items()}
    assert circles(within) == []
    assert circles(typescript_imports(project / "frontend")) == []
