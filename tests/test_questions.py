"""The questions: defaults and both answer forms render; wrong answers are refused with a message
that says what is wrong, before anything is written."""

import os
import pty
import re
import select
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import TEMPLATE_ROOT, Renders, run

# The copier command line, rendering this working tree as it is (uncommitted changes too).
COPIER_COPY = [sys.executable, "-m", "copier", "copy", "--vcs-ref", "HEAD"]

BAD_ANSWERS: list[tuple[dict[str, Any], str]] = [
    ({"project_name": "  "}, "project name must not be empty"),
    ({"project_slug": "My App"}, "not a valid slug"),
    ({"project_slug": "1app"}, "not a valid slug"),
    ({"frontend_dir": "../web"}, "not a plain folder name"),
    ({"frontend_dir": "site", "backend_dir": "site"}, "need different folders"),
    ({"frontend_url": "localhost:3000"}, "is not an origin"),
    ({"backend_url": "http://localhost:8000/api/"}, "is not an origin"),
    ({"backend_url": "http://localhost:3000"}, "need different origins"),
    ({"token_ttl": "15"}, "is not a duration"),
    ({"token_ttl": "5s"}, "too short"),
    ({"token_ttl": "30d"}, "too long"),
    ({"jwt_issuer": "http://a b"}, "without spaces"),
    ({"jwt_audience": "http://localhost:3000"}, "should name the API"),
    ({"secret_location": "secrets_dir", "secrets_dir": "run/secrets"}, "must be an absolute path"),
    ({"custom_claims": ["sub: str"]}, "registered JWT claim"),
    ({"custom_claims": ["email: str"]}, "Better Auth's own user fields"),
    ({"custom_claims": ["1role: str"]}, "is not a valid name"),
    ({"custom_claims": ["class: str"]}, "reserved in Python"),
    ({"custom_claims": ["role: str", "Role: int"]}, "declared twice"),
    ({"custom_claims": ["role: string"]}, 'unknown type "string"'),
    ({"custom_claims": ["tier: int = many"]}, '"many" is not a whole number'),
    ({"custom_claims": ["beta: bool = yes please"]}, "is not true or false"),
    ({"custom_claims": [{"name": "role", "kind": "str"}]}, "unknown key kind"),
    ({"custom_claims": "role"}, "must be a list"),
    ({"protected_endpoints": ["FETCH /api/me"]}, '"FETCH" is not a supported method'),
    ({"protected_endpoints": ["GET api/me"]}, "the path must start with /"),
    ({"protected_endpoints": ["GET /api/me/"]}, "no trailing /"),
    ({"protected_endpoints": ["GET /api/{User-Id}"]}, "is not a valid name"),
    ({"protected_endpoints": ["GET /api/{id}/x/{id}"]}, "appears twice"),
    ({"protected_endpoints": ["GET /api/me", "get /api/me"]}, "duplicates"),
    ({"protected_endpoints": ["GET /api/{a}/x", "GET /api/{b}/x"]}, "duplicates"),
    (
        {"protected_endpoints": ["GET /api/x [plan=pro]"]},
        'requires claim "plan", which is neither a declared custom claim nor email_verified',
    ),
    ({"protected_endpoints": ["GET /api/x [role]"]}, "write a claim requirement as"),
    ({"protected_endpoints": ["GET /health"]}, "used by the backend itself"),
    ({"protected_endpoints": ["GET /ready"]}, "used by the backend itself"),
    (
        {"sign_in_providers": ["oidc"], "oidc_issuer": "http://idp.example.com"},
        "http:// on localhost only",
    ),
    (
        {"sign_in_providers": ["oidc"], "oidc_issuer": "https://idp.example.com/a b"},
        "not an issuer",
    ),
    ({"sign_in_providers": ["oidc"], "oidc_name": "<script>"}, "must be 1 to 40 letters"),
    ({"client_ip_header": "X Real IP"}, "is not a header name"),
    ({"client_ip_header": "Forwarded"}, "not from Forwarded"),
    ({"signing_key_rotation": "sometimes"}, "is not a duration"),
    ({"signing_key_rotation": "10m"}, "A rotation interval of 10m is too short"),
    ({"signing_key_rotation": "2y"}, "is not a duration"),
    ({"signing_key_grace": "5m"}, "shorter than the token lifetime (15m)"),
    ({"protected_endpoints": []}, "must be a non-empty list"),
    ({"protected_endpoints": ["GET /api/tasks", "GET /api/{user_id}/tasks"]}, "would be named"),
    (
        {"custom_claims": ["tier: int"], "protected_endpoints": ["GET /api/x [tier=high]"]},
        'the required value of "tier" "high" is not a whole number',
    ),
]


@pytest.mark.parametrize(
    ("answers", "message"), BAD_ANSWERS, ids=[message for _, message in BAD_ANSWERS]
)
def test_refuses_bad_answer_with_a_clear_message_and_writes_nothing(
    copie: Any, answers: dict[str, Any], message: str
) -> None:
    result = copie.copy(extra_answers=answers, template_dir=TEMPLATE_ROOT)
    assert result.exit_code == -1
    assert isinstance(result.exception, ValueError)
    assert message in str(result.exception)
    assert not any(copie.test_dir.rglob("*.*")), "a refused render must not write files"


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("token_mode", "hs256"),
        ("jwt_algorithm", "HS256"),
        ("database", "mysql"),
        ("sign_in_providers", ["facebook"]),
    ],
)
def test_refuses_answer_outside_the_choices(copie: Any, question: str, value: Any) -> None:
    result = copie.copy(extra_answers={question: value}, template_dir=TEMPLATE_ROOT)
    assert result.exit_code == -1
    shown = value[0] if isinstance(value, list) else value
    assert shown in str(result.exception)


CLAIM_FORMS = {
    "short": ["role: str = user", "tier: int = 0"],
    "mapping": {"role": "str = user", "tier": "int = 0"},
    "one-key-mappings": [{"role": "str = user"}, {"tier": "int = 0"}],
    "structured": [
        {"name": "role", "type": "str", "default": "user"},
        {"name": "tier", "type": "int", "default": 0},
    ],
}
ENDPOINT_FORMS = {
    "short": ["GET /api/me", "POST /api/{user_id}/tasks [tier=2]"],
    "structured": [
        {"method": "GET", "path": "/api/me"},
        {"method": "post", "path": "/api/{user_id}/tasks", "require": {"tier": 2}},
    ],
}
GENERATED_FROM_ANSWERS = [
    "backend/my_app/jwt_auth/claims.py",
    "backend/my_app/api/routes.py",
    "backend/tests/test_protected_endpoints.py",
]


def test_every_answer_form_renders_the_same_project(render: Renders) -> None:
    """Each form of the claims with one form of the endpoints, and each form of the endpoints
    with one of the claims (they are parsed apart: test_answer_macros.py has every form)."""
    claim_form, endpoint_form = next(iter(CLAIM_FORMS)), next(iter(ENDPOINT_FORMS))
    forms = {(claims, endpoint_form) for claims in CLAIM_FORMS}
    forms |= {(claim_form, endpoints) for endpoints in ENDPOINT_FORMS}
    rendered = {
        (claims, endpoints): render(
            {
                "custom_claims": CLAIM_FORMS[claims],
                "protected_endpoints": ENDPOINT_FORMS[endpoints],
            }
        )
        for claims, endpoints in sorted(forms)
    }
    first, *others = rendered.values()
    for path in GENERATED_FROM_ANSWERS:
        expected = (first / path).read_text()
        assert "require_claims(tier=2)" in (first / "backend/my_app/api/routes.py").read_text()
        for project in others:
            assert (project / path).read_text() == expected, (project, path)


def test_copy_with_the_cli_needs_no_trust_flag(tmp_path: Path) -> None:
    result = run(
        [*COPIER_COPY, "--defaults", str(TEMPLATE_ROOT), str(tmp_path / "app")],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app/backend/my_app/main.py").is_file()
    message = result.stderr + result.stdout
    # The next steps name the project's own commands, which the end-to-end tests run.
    for command in ["npm run setup", "npm run dev", "npm test", "python -m my_app token"]:
        assert command in message, command
    assert 'python -m my_app doctor "$TOKEN"' in message


def answer_every_question_with_its_default(command: list[str], seconds: float = 120) -> str:
    """Run `command` in a terminal of its own and take every default as a person would: Enter,
    or Esc then Enter for a multiline answer. What the terminal showed, without its escapes."""
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the command, in the terminal
        os.execvpe(command[0], command, {**os.environ, "TERM": "xterm", "COLUMNS": "200"})
    shown, asked = b"", 0
    deadline, quiet_since = time.monotonic() + seconds, time.monotonic()
    try:
        while time.monotonic() < deadline:
            if select.select([terminal], [], [], 0.1)[0]:
                try:
                    chunk = os.read(terminal, 65536)
                except OSError:  # the command ended
                    break
                if not chunk:
                    break
                shown, quiet_since = shown + chunk, time.monotonic()
            elif shown.count("🎤".encode()) > asked and time.monotonic() - quiet_since > 0.3:
                asked = shown.count("🎤".encode())
                # The question asked last (its 🎤 on): a multiline one ends with Esc then Enter.
                multiline = b"Esc then Enter" in shown[shown.rfind("🎤".encode()) :]
                os.write(terminal, b"\x1b\r" if multiline else b"\r")
    finally:
        os.close(terminal)
        os.waitpid(pid, 0)
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown.decode(errors="replace"))
    return re.sub(r"\r+\n", "\n", text)


@pytest.mark.slow
def test_the_list_questions_show_their_defaults_as_yaml_a_person_writes(tmp_path: Path) -> None:
    """Asked in a terminal, every default taken: the lists read as YAML typed by hand (no Python
    reprs, no quotes), and taking them renders the defaults' project."""
    shown = answer_every_question_with_its_default(
        [*COPIER_COPY, str(TEMPLATE_ROOT), str(tmp_path)]
    )
    assert "> role: str = user\n" in shown, shown[-3000:]
    endpoints = "> - GET /api/me\n  - GET /api/{user_id}/tasks\n  - POST /api/{user_id}/tasks\n"
    endpoints += "  - GET /api/admin/stats [role=admin]\n  - GET /api/billing [mfa]\n"
    endpoints += "  - GET /api/orgs/{org_id}/projects\n"
    endpoints += "  - POST /api/orgs/{org_id}/projects [org_role=admin]"
    assert endpoints in shown, shown[-3000:]
    assert "['" not in shown and "'GET" not in shown, shown[-3000:]
    answers = yaml.safe_load((tmp_path / ".copier-answers.yml").read_text())
    assert answers["custom_claims"] == {"role": "str = user"}
    assert answers["protected_endpoints"][1] == "GET /api/{user_id}/tasks"
    claims = (tmp_path / "backend/my_app/jwt_auth/claims.py").read_text()
    assert 'CUSTOM_CLAIMS: tuple[str, ...] = ("role",)' in claims and '"role": "user"' in claims


def test_renders_every_answer_from_a_data_file(tmp_path: Path) -> None:
    data = {
        "project_name": "Data File App",
        "token_mode": "shared_secret",
        "custom_claims": ["plan: str = free", "seats: int = 1"],
        "protected_endpoints": ["GET /api/me", "GET /api/billing [plan=pro]"],
    }
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(data))
    result = run(
        [
            *COPIER_COPY,
            "--defaults",
            "--data-file",
            str(data_file),
            str(TEMPLATE_ROOT),
            str(tmp_path / "app"),
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    project = tmp_path / "app"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert {name: answers[name] for name in data} == data
    claims = (project / "backend/data_file_app/jwt_auth/claims.py").read_text()
    assert "plan: str | None = None" in claims
    assert "seats: int | None = None" in claims
    routes = (project / "backend/data_file_app/api/routes.py").read_text()
    assert 'Depends(require_claims(plan="pro"))' in routes


def test_defaults_give_the_documented_project(default_project: Path) -> None:
    answers = yaml.safe_load((default_project / ".copier-answers.yml").read_text())
    assert answers["token_mode"] == "jwks"
    assert answers["jwt_algorithm"] == "EdDSA"
    assert answers["custom_claims"] == {"role": "str = user"}
    assert answers["client_ip_header"] == "X-Real-IP"  # what deploy/nginx.conf.template sets
    assert (answers["signing_key_rotation"], answers["signing_key_grace"]) == ("30d", "7d")
    assert answers["protected_endpoints"] == [
        "GET /api/me",
        "GET /api/{user_id}/tasks",
        "POST /api/{user_id}/tasks",
        "GET /api/admin/stats [role=admin]",
        "GET /api/billing [mfa]",
        "GET /api/orgs/{org_id}/projects",
        "POST /api/orgs/{org_id}/projects [org_role=admin]",
    ]
    assert answers["two_factor"] is True and answers["organizations"] is True
    routes = (default_project / "backend/my_app/api/routes.py").read_text()
    assert '@router.get("/api/billing", dependencies=[Depends(require_second_factor)])' in routes
    handlers = ["get_me", "get_tasks", "create_tasks", "get_admin_stats", "get_billing"]
    for handler in [*handlers, "get_orgs_projects", "create_orgs_projects"]:
        assert f"async def {handler}(" in routes


def test_email_verification_answer_sets_the_default_that_the_environment_overrides(
    render: Renders,
) -> None:
    for answer in ["off", "optional", "required"]:
        project = render({"email_verification": answer})
        config = (project / "frontend/lib/config.ts").read_text()
        assert f'process.env.EMAIL_VERIFICATION ?? "{answer}"' in config
        env_example = (project / "frontend/.env.example").read_text()
        assert f"# EMAIL_VERIFICATION={answer}\n" in env_example
        readme = (project / "README.md").read_text()
        assert ("Emails are not confirmed" in readme) == (answer == "off")


def test_production_answers_shape_better_auth(render: Renders) -> None:
    """The proxy's header is the only address Better Auth reads; rotation is in seconds."""
    behind_proxy = render({"client_ip_header": "X-Client-IP", "signing_key_rotation": "12h"})
    config = (behind_proxy / "frontend/lib/config.ts").read_text()
    assert 'ipHeader(process.env.CLIENT_IP_HEADER ?? "X-Client-IP")' in config
    auth = (behind_proxy / "frontend/lib/auth/options.ts").read_text()
    assert "ipAddressHeaders: clientIpHeader ? [clientIpHeader] : []" in auth
    # Limits shared by every instance: in the database, or in Redis when the site has it.
    assert 'storage: sessionStore.secondaryStorage ? "secondary-storage" : "database",' in auth
    # The documents the API fetches are counted by no limit, and need no proxy's header.
    assert "UNCOUNTED_PATHS.map((path) => [path, false as const])" in auth
    client_address = (behind_proxy / "frontend/lib/auth/client-address.ts").read_text()
    assert 'UNCOUNTED_PATHS = ["/jwks", "/revocations"]' in client_address
    assert '"/request-password-reset": { window: 60, max: 3 },' in auth  # mail, per client
    jwks = (behind_proxy / "frontend/lib/auth/token-plugins.ts").read_text()
    assert "process.env.JWT_KEY_ROTATION_SECONDS ?? 43200" in jwks
    assert "process.env.JWT_KEY_GRACE_SECONDS ?? 604800" in jwks
    direct = render({"signing_key_rotation": "off", "client_ip_header": "none"})
    config = (direct / "frontend/lib/config.ts").read_text()
    assert 'ipHeader(process.env.CLIENT_IP_HEADER ?? "none")' in config
    assert (
        "JWT_KEY_ROTATION_SECONDS ?? 0"
        in (direct / "frontend/lib/auth/token-plugins.ts").read_text()
    )
    answers = yaml.safe_load((direct / ".copier-answers.yml").read_text())
    assert "signing_key_grace" not in answers  # not asked when keys do not rotate
    shared = render({"token_mode": "shared_secret"})
    answers = yaml.safe_load((shared / ".copier-answers.yml").read_text())
    assert "signing_key_rotation" not in answers


def test_sign_in_providers_are_files_and_settings_never_answers(render: Renders) -> None:
    """Each chosen provider is a module of its own, on the buttons in the choices' order; its
    client id and
    secret are settings (in .env.example, never in the answers file); the OpenID Connect
    issuer is the answer's default, which OIDC_ISSUER overrides."""
    answers = {
        "sign_in_providers": ["oidc", "github"],
        "oidc_issuer": "https://idp.example.com/realms/main",
        "oidc_name": "Company SSO",
    }
    project = render(answers)
    providers = project / "frontend/lib/auth/providers"
    assert sorted(p.name for p in providers.iterdir()) == [
        "github.ts",
        "index.ts",
        "oidc.ts",
        "provider.ts",
        "setup.ts",
    ]
    assert "= [github, oidc];" in (providers / "index.ts").read_text()
    oidc = (providers / "oidc.ts").read_text()
    assert 'issuer: "https://idp.example.com/realms/main",' in oidc
    assert "process.env.OIDC_ISSUER ?? answered.issuer" in oidc
    assert 'name: "Company SSO",' in oidc
    env_example = (project / "frontend/.env.example").read_text()
    for name in [
        "GITHUB_CLIENT_ID",
        "GITHUB_CLIENT_SECRET",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
    ]:
        assert f"# {name}=\n" in env_example
    assert "GOOGLE" not in env_example
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["sign_in_providers"] == ["github", "oidc"]
    assert not any("CLIENT" in str(value) for value in recorded.values())
    assert (project / "e2e/test_oidc.py").is_file()
    assert not (project / "frontend/tests/google.test.ts").exists()
    none = render()
    assert "= [];" in (none / "frontend/lib/auth/providers/index.ts").read_text()
    assert not (none / "e2e/test_oidc.py").exists()
    assert "Only email and password." in (none / "README.md").read_text()
