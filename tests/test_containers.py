"""A generated project's container files, run as its README's Containers section says: the two
images built and compose.yaml's whole shape started (PostgreSQL, Redis, migration, two frontends,
the API, nginx with TLS, the mail catcher), then a sign-up through nginx and a call to the API with
its token, and a frontend container stopped while the site keeps working.

What runs them here, and how that differs from a laptop with Docker (README, Containers):
- podman (Debian's 4.3, configured in a folder of its own: tests/containers.py) serves the Docker
  API, and Debian's docker-compose 1.29 reads compose.yaml unchanged; `docker compose` in the
  README's commands is that docker-compose, through a two-line `docker` on PATH.
- The official base images cannot be pulled: stand-ins built from Debian bookworm's packages
  carry their names (tests/containers.py says what each differs in).
- podman runs health checks from systemd timers, which this machine lacks: the test runs each
  container's own check every second instead, which is what Docker's engine does by itself.
- The containers run under this process's cgroup (`cgroup_parent`, in a compose file of the
  test's own, added through COMPOSE_FILE), and whatever the test made is removed even when it fails.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .conftest import TEMPLATE_ROOT, Renders, run
from .containers import STAND_INS, Engine, build_stand_ins, engine_is_installed

pytestmark = [pytest.mark.slow]

ANSWERS = {"database": "postgres", "session_store": "redis"}
SERVICES = ("postgres", "redis", "migrate", "web-1", "web-2", "api", "nginx", "mailpit")
RESULTS = TEMPLATE_ROOT / "test-results" / "containers"
PASSWORD = "correct-horse-battery-staple"
WEB, API = "https://localhost", "https://localhost:8443"
START_SECONDS = 180
BUILD_SECONDS = 900
# `docker compose ...` as docker-compose (1.29 reads compose.yaml as Docker Compose 2 does).
DOCKER_SHIM = '#!/bin/sh\n[ "$1" = compose ] && shift && exec docker-compose "$@"\necho "only docker compose here" >&2; exit 2\n'


def containers_steps(project: Path) -> list[str]:
    readme = (project / "README.md").read_text()
    section = readme.split("\n## Containers\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "README's Containers section has no commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def own_cgroup() -> str:
    """This process's cgroup (the memory controller's on this machine's hybrid hierarchy)."""
    lines = Path("/proc/self/cgroup").read_text().splitlines()
    paths = {line.split(":")[1]: line.split(":", 2)[2] for line in lines}
    return paths.get("memory") or paths.get("", "/")


@dataclass
class Stack:
    project: Path
    engine: Engine
    name: str  # compose's project name
    trusted: ssl.SSLContext
    timings: dict[str, float]

    def client(self, origin: str = WEB) -> httpx.Client:
        # nginx gives a stopped instance 2 s to answer before it moves on.
        return httpx.Client(
            base_url=origin, verify=self.trusted, headers={"Origin": WEB}, timeout=15
        )

    def containers(self, *filters: str) -> list[dict]:
        listed = self.engine.podman(
            "ps",
            "--all",
            "--format",
            "json",
            "--filter",
            f"label=com.docker.compose.project={self.name}",
            *filters,
        )
        return json.loads(listed or "[]")

    def container_of(self, service: str) -> str:
        found = self.containers("--filter", f"label=com.docker.compose.service={service}")
        assert len(found) == 1, f"{service}: {found}"
        return found[0]["Id"]


def run_health_checks(engine: Engine, name: str, stop: threading.Event) -> None:
    """What Docker's engine does by itself: each running container's health check, every second;
    and an ended container is "exited". Podman leaves one "stopped" when its process ended while
    a check ran (its cleanup lost the race), and compose waits for "exited" before it starts
    what depends on a one-off service (the migrations): that cleanup is run here."""
    while not stop.wait(1):
        listed = engine.podman(
            "ps",
            "--all",
            "--format",
            "json",
            "--filter",
            f"label=com.docker.compose.project={name}",
            check=False,
        )
        for container in json.loads(listed or "[]"):
            if container["State"] == "running":
                engine.podman("healthcheck", "run", container["Id"], check=False)
            elif container["State"] == "stopped":
                engine.podman("container", "cleanup", container["Id"], check=False)


def made_by_the_test(engine: Engine, name: str) -> list[tuple[str, str]]:
    """Every container, network and volume of the compose project, and any pod at all."""
    label = f"label=com.docker.compose.project={name}"
    found = [
        ("container", c) for c in engine.podman("ps", "--all", "--quiet", "--filter", label).split()
    ]
    for kind in ("network", "volume"):
        found += [
            (kind, item) for item in engine.podman(kind, "ls", "--quiet", "--filter", label).split()
        ]
    return found + [("pod", pod) for pod in engine.podman("pod", "ls", "--quiet").split()]


def remove(engine: Engine, made: list[tuple[str, str]]) -> None:
    for kind, item in made:
        engine.podman(kind, "rm", "--force", item, check=False)


@pytest.fixture(scope="module")
def stack(
    render: Renders, node_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    assert engine_is_installed(), (
        "podman, runc, mmdebstrap and docker-compose: .ci/run installs them"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    engine = Engine()
    started = time.monotonic()
    timings |= {f"stand-in {name}": seconds for name, seconds in build_stand_ins(engine).items()}
    timings["stand-ins"] = time.monotonic() - started
    project = render(ANSWERS)
    name = f"containers{secrets.token_hex(4)}"
    tmp = tmp_path_factory.mktemp("containers")
    shim = tmp / "bin"
    shim.mkdir()
    (shim / "docker").write_text(DOCKER_SHIM)
    (shim / "docker").chmod(0o755)
    (tmp / "cgroup.yaml").write_text(
        "services:\n"
        + "".join(
            f"  {service}:\n    cgroup_parent: {own_cgroup().rstrip('/')}/{name}\n"
            for service in SERVICES
        )
    )
    steps = containers_steps(project)
    assert steps[0].startswith("npm run setup") and steps[-1] == "docker compose up --build", steps
    # No database on this "laptop": compose's migrate service makes the tables.
    setup = run(["bash", "-e", "-c", steps[0]], project, env=node_env, timeout=1200)
    assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
    for step in steps[1:-1]:
        done = run(["bash", "-e", "-c", step], project)
        assert done.returncode == 0, f"{step}:\n{done.stderr}"
    trusted = ssl.create_default_context(cafile=str(project / "deploy/tls/localhost.pem"))
    stop_checks = threading.Event()
    with engine.service() as docker_host:
        env = {
            **node_env,
            **engine.env,
            "PATH": f"{shim}:{node_env['PATH']}",
            "DOCKER_HOST": docker_host,
            "COMPOSE_PROJECT_NAME": name,
            "COMPOSE_FILE": f"compose.yaml:{tmp / 'cgroup.yaml'}",
            # Builds through the API podman serves, not through a `docker` program.
            "COMPOSE_DOCKER_CLI_BUILD": "0",
        }
        checks = threading.Thread(
            target=run_health_checks, args=(engine, name, stop_checks), daemon=True
        )
        checks.start()
        log = (RESULTS / "compose.log").open("w")
        # As written: in the foreground, stopped as Ctrl-C stops it.
        up = subprocess.Popen(
            ["bash", "-c", steps[-1]],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stack = Stack(project, engine, name, trusted, timings)
        try:
            started = time.monotonic()
            deadline = started + BUILD_SECONDS + START_SECONDS
            while True:
                assert up.poll() is None, (RESULTS / "compose.log").read_text()[-4000:]
                with contextlib.suppress(httpx.TransportError), stack.client(API) as api:
                    if api.get("/ready").status_code == 200:
                        break
                assert time.monotonic() < deadline, (RESULTS / "compose.log").read_text()[-4000:]
                time.sleep(0.5)
            timings["up --build, to /ready through nginx"] = time.monotonic() - started
            images = json.loads(engine.podman("images", "--format", "json"))
            timings |= {
                f"image {tag} MB": image["Size"] / 1e6
                for image in images
                for tag in image.get("Names") or []
                if re.search(r"/my-app-(web|api):latest$", tag)
            }
            yield stack
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(up.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                up.wait(timeout=60)
            # Twice at most: docker-compose 1.29 removes the containers in parallel, and podman then
            # refuses to remove nginx while the API, in its network, is still there.
            for _ in range(2):
                down = run(
                    ["docker", "compose", "down", "--volumes", "--remove-orphans"],
                    project,
                    env=env,
                    timeout=120,
                )
                if down.returncode == 0:
                    break
            stop_checks.set()
            checks.join()
            left = made_by_the_test(engine, name)
            remove(engine, left)  # what compose could not remove, so that the next run starts clean
            (RESULTS / "report.json").write_text(
                json.dumps(
                    {
                        "timings": {k: round(v, 1) for k, v in timings.items()},
                        "stand-ins": {s.official: s.differs for s in STAND_INS},
                    },
                    indent=2,
                )
            )
            assert down.returncode == 0, down.stderr
            assert not left, f"left behind: {left}"


def test_the_site_and_the_api_answer_through_nginx_with_tls(stack: Stack) -> None:
    with stack.client() as web:
        page = web.get("/login")
        assert page.status_code == 200 and "Strict-Transport-Security" in page.headers
    with stack.client(API) as api:
        assert api.get("/ready").json() == {"status": "ready"}
    with stack.client() as web:
        assert web.get("/api/auth/revocations").status_code == 404, "the list is for the API alone"


def test_a_sign_up_through_nginx_gets_a_token_the_api_accepts(stack: Stack) -> None:
    email = f"container-{secrets.token_hex(4)}@example.com"
    with stack.client() as web, stack.client(API) as api:
        signed_up = web.post(
            "/api/auth/sign-up/email",
            json={"name": "In A Container", "email": email, "password": PASSWORD},
        )
        assert signed_up.status_code == 200, signed_up.text
        signed_in = web.post("/api/auth/sign-in/email", json={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        token = web.get("/api/auth/token").json()["token"]
        me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["caller"]["email"] == email
        assert api.get("/api/me").status_code == 401
    # The confirmation went through compose's mail catcher (SMTP_URL): the stand-in prints it.
    deadline = time.monotonic() + 30
    while f"To: {email}" not in stack.engine.podman("logs", stack.container_of("mailpit")):
        assert time.monotonic() < deadline, "no mail reached the mail catcher within 30 s"
        time.sleep(0.5)


def test_the_images_run_without_privileges_and_hold_no_secret(stack: Stack) -> None:
    secret = next(
        line.split("=", 1)[1].strip('"')
        for line in (stack.project / "frontend/.env.local").read_text().splitlines()
        if line.startswith("BETTER_AUTH_SECRET=")
    )
    for service in ("web-1", "api"):
        container = stack.container_of(service)
        user = stack.engine.podman("exec", container, "id", "-u").strip()
        assert user != "0", f"{service} runs as root"
        image = stack.engine.podman("inspect", "--format", "{{.Image}}", container).strip()
        config = stack.engine.podman("image", "inspect", image)
        assert secret not in config
        found = stack.engine.podman(
            "run", "--rm", "--network=none", "--entrypoint", "find", image, "/app", "-name", ".env*"
        )
        assert found.strip() == "", f"{service}'s image holds {found}"


def test_stopping_one_frontend_container_leaves_the_site_working(stack: Stack) -> None:
    email = f"container-{secrets.token_hex(4)}@example.com"
    with stack.client() as web:
        signed_up = web.post(
            "/api/auth/sign-up/email", json={"name": "Other", "email": email, "password": PASSWORD}
        )
        assert signed_up.status_code == 200, signed_up.text
        signed_in = web.post("/api/auth/sign-in/email", json={"email": email, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        stack.engine.podman("stop", "--time=10", stack.container_of("web-1"))
        try:
            # nginx's round robin hands some of these to the stopped instance first.
            for _ in range(6):
                assert web.get("/login").status_code == 200
                token = web.get("/api/auth/token")
                assert token.status_code == 200, token.text
                with stack.client(API) as api:
                    me = api.get(
                        "/api/me", headers={"Authorization": f"Bearer {token.json()['token']}"}
                    )
                    assert me.status_code == 200, me.text
            signed_in = web.post(
                "/api/auth/sign-in/email", json={"email": email, "password": PASSWORD}
            )
            assert signed_in.status_code == 200, signed_in.text
        finally:
            stack.engine.podman("start", stack.container_of("web-1"))
