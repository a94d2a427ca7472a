"""The generated container files, checked without running them (fast tier): both Dockerfiles
pass hadolint, and compose.yaml is valid for every place secrets can live and both token modes,
publishes only on loopback, and stops at once with a message when its one setting is missing.
tests/test_containers.py builds and runs them."""

import itertools
import shutil

import pytest
import yaml

from .conftest import TOOLS_BIN, Renders, run

# The frontend and backend folders renamed too: the Dockerfiles name them.
FOLDERS = {"frontend_dir": "web", "backend_dir": "api"}
SETS = {
    f"{token_mode}-{location}": {
        "database": "postgres",
        "token_mode": token_mode,
        "secret_location": location,
    }
    for token_mode, location in itertools.product(
        ("jwks", "shared_secret"), ("dotenv", "environment", "secrets_dir")
    )
}


def compose_config(project, env: dict[str, str]):
    tool = shutil.which("docker-compose")
    assert tool, "docker-compose (Debian's package): .ci/run installs it"
    return run([tool, "config"], project, env={"PATH": "/usr/bin:/bin", **env})


@pytest.mark.parametrize("folders", [{}, FOLDERS], ids=["default-folders", "other-folders"])
def test_both_dockerfiles_pass_hadolint(render: Renders, folders: dict[str, str]) -> None:
    project = render({"database": "postgres", **folders})
    dockerfiles = [
        project / folders.get(half, default) / "Dockerfile"
        for half, default in (("backend_dir", "backend"), ("frontend_dir", "frontend"))
    ]
    lint = run(
        [str(TOOLS_BIN / "hadolint"), "--failure-threshold", "warning", *map(str, dockerfiles)],
        project,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("name", SETS)
def test_compose_is_valid_and_publishes_only_on_loopback(render: Renders, name: str) -> None:
    answers = SETS[name]
    project = render(answers)
    # What `npm run setup` or the README's Secrets section leave: the env files, or variables.
    (project / "frontend/.env.local").write_text("BETTER_AUTH_SECRET=" + "f" * 64 + "\n")
    (project / "backend/.env").write_text("API_JWT_SECRET=" + "b" * 64 + "\n")
    env = {
        "POSTGRES_PASSWORD": "x" * 48,
        "BETTER_AUTH_SECRET": "y" * 64,
        "API_JWT_SECRET": "z" * 64,
    }
    checked = compose_config(project, env)
    assert checked.returncode == 0, checked.stderr
    services = yaml.safe_load(checked.stdout)["services"]
    assert set(services) == {"postgres", "migrate", "web-1", "web-2", "api", "nginx", "mailpit"}
    for service, config in services.items():
        for port in config.get("ports", []):
            published = (
                port if isinstance(port, str) else f"{port.get('host_ip')}:{port['published']}"
            )
            assert str(published).startswith("127.0.0.1:"), (
                f"{service} publishes {port} beyond loopback"
            )
    published_by = {service for service, config in services.items() if config.get("ports")}
    assert published_by == {"nginx", "mailpit"}
    assert services["api"]["network_mode"] == "service:nginx"
    assert (
        services["web-1"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    )
    # Each secret reaches both the frontends and (in shared_secret mode) the API, never an image.
    web = services["web-1"]
    shared = ["API_JWT_SECRET"] if answers["token_mode"] == "shared_secret" else []
    match answers["secret_location"]:
        case "dotenv":  # compose reads the env files into the environment
            assert web["environment"]["BETTER_AUTH_SECRET"] == "f" * 64
            assert all(services["api"]["environment"][n] == "b" * 64 for n in shared)
        case "environment":
            assert web["environment"]["BETTER_AUTH_SECRET"] == "y" * 64
            assert all(services["api"]["environment"][n] == "z" * 64 for n in shared)
        case "secrets_dir":
            mounted = {secret["source"] for secret in web["secrets"]}
            assert mounted == {"better_auth_secret", *map(str.lower, shared)}
            assert web["environment"]["SECRETS_DIR"] == "/run/secrets"
            assert "BETTER_AUTH_SECRET" not in web["environment"]


def test_compose_without_the_database_password_says_what_to_do(render: Renders) -> None:
    project = render({"database": "postgres", "secret_location": "environment"})
    refused = compose_config(project, {"BETTER_AUTH_SECRET": "y" * 64})
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stderr and "README.md, Containers" in refused.stderr
    refused = compose_config(project, {"POSTGRES_PASSWORD": "x" * 48})
    assert "BETTER_AUTH_SECRET" in refused.stderr and "Secrets" in refused.stderr


def test_sqlite_projects_have_the_images_but_no_compose_file(render: Renders) -> None:
    project = render({"database": "sqlite"})
    assert (project / "backend/Dockerfile").is_file() and (
        project / "frontend/Dockerfile"
    ).is_file()
    assert not (project / "compose.yaml").exists()


def test_compose_with_redis_runs_it_for_the_frontends_and_publishes_nothing_more(
    render: Renders,
) -> None:
    project = render({"database": "postgres", "session_store": "redis"})
    (project / "frontend/.env.local").write_text("BETTER_AUTH_SECRET=" + "f" * 64 + "\n")
    checked = compose_config(project, {"POSTGRES_PASSWORD": "x" * 48})
    assert checked.returncode == 0, checked.stderr
    services = yaml.safe_load(checked.stdout)["services"]
    assert "ports" not in services["redis"]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    for web in ("web-1", "web-2"):
        assert services[web]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert services[web]["depends_on"]["redis"]["condition"] == "service_healthy"
