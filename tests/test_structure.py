"""The template's architecture rules, checked on its files and on one render per token mode,
without installing anything: each token mode provides every role the shared code imports (the
protocols of token_mode.py and tests/test_token_mode.py, the interfaces of lib/auth/token-mode.ts);
shared files never branch on the mode or name its files; every mode's include defines the same
facts; only templated files carry .jinja; and a rendered project has no import circles."""

import ast
import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from .conftest import TEMPLATE_ROOT, Renders

MODES = ["jwks", "shared_secret"]
TEMPLATE = TEMPLATE_ROOT / "template"
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


def shared_template_files() -> list[Path]:
    return [
        path
        for path in TEMPLATE.rglob("*")
        if path.is_file() and "node_modules" not in path.parts and not MODE_FILE.search(str(path))
    ]


def test_shared_files_never_branch_on_the_token_mode_or_name_its_files() -> None:
    offenders = []
    for path in shared_template_files():
        if "lock" in path.name:
            continue
        text = path.read_text()
        if re.search(r"token_mode\s*(==|!=)|{{ *token_mode *}}", text):
            offenders.append(str(path.relative_to(TEMPLATE)))
    assert offenders == []


def test_each_token_mode_has_the_same_role_files() -> None:
    by_mode: dict[str, set[str]] = {mode: set() for mode in MODES}
    for path in TEMPLATE.rglob("*"):
        match = path.is_file() and MODE_FILE.search(str(path))
        if match:
            rendered = MODE_FILE.sub("", str(path.relative_to(TEMPLATE))).replace("{% endif %}", "")
            by_mode[match.group(1)].add(rendered.removesuffix(".jinja"))
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


def test_every_token_mode_include_defines_the_same_facts() -> None:
    names = {
        mode: include_names(TEMPLATE_ROOT / f"includes/token_modes/{mode}.jinja") for mode in MODES
    }
    assert {"algorithm", "token_path", "doctor_checks"} <= names["jwks"]
    assert names["jwks"] == names["shared_secret"]
    used = set()
    for path in shared_template_files():
        if path.suffix == ".jinja":
            used.update(re.findall(r"[{(~ ]mode\.(\w+)", path.read_text()))
    assert used <= names["jwks"], f"shared files use facts no mode defines: {used - names['jwks']}"


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
