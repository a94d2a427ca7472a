"""The generated project run as its docs/deploying.md says, on this machine:
PostgreSQL, Redis in front of it (sessions and rate limits), two `next start` instances, the API
with two uvicorn workers, and Debian's nginx
terminating TLS for both origins with a self-signed certificate, all on loopback. Every request
goes through nginx: sign-up and sign-in across instances, tokens from either instance, a real
Chromium, signing keys rotating under traffic, spoofed client addresses, an instance stopped
mid-run, Redis stopped and started empty mid-run, sign-in with an OpenID Connect provider whose
app knows the public callback URL only; and afterwards no process or port is left."""

import base64
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect, sync_playwright

from .conftest import TEMPLATE_ROOT, Renders, npm, run
from .test_e2e import template_module

pytestmark = [pytest.mark.slow, pytest.mark.serial]

# And client_ip_header's default, X-Real-IP.
ANSWERS = {"database": "postgres", "session_store": "redis", "sign_in_providers": ["oidc"]}
# Short enough to see several rotations in a test; the answers' values stay 30d and 7d.
ROTATION_SECONDS = 6
GRACE_SECONDS = 6
TRAFFIC_SECONDS = 3 * ROTATION_SECONDS + 3
TRAFFIC_MAX_CALLS = 100_000
START_SECONDS = 120
RESULTS = TEMPLATE_ROOT / "test-results" / "production"
PASSWORD = "correct-horse-battery-staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class Service:
    """A command in a process group of its own (npm, its shell and its children)."""

    name: str
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def group_is_gone(self) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.2)
        return False


def start(name: str, command: list[str], cwd: Path, env: dict[str, str], port: int) -> Service:
    log = (RESULTS / f"{name}.log").open("w")
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Service(name, process, port)


def wait_until(
    check: Any, what: str, services: list[Service], seconds: float = START_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(httpx.TransportError):
            if check():
                return
        for service in services:
            assert service.process.poll() is None, (
                f"{service.name} exited:\n{(RESULTS / f'{service.name}.log').read_text()[-3000:]}"
            )
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.3)


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL server of its own on a loopback port (Debian's binaries)."""
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="production-postgres-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]

    def tool(name: str, *args: str) -> None:
        result = run([*as_owner, str(bin_dir / name), *args], data)
        assert result.returncode == 0, result.stdout + result.stderr

    port, cluster = free_port(), str(data / "cluster")
    tool("initdb", "-D", cluster, "-U", "postgres", "--auth=trust")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    tool("pg_ctl", "-D", cluster, "-o", options, "-l", str(data / "log"), "-w", "start")
    try:
        tool("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "app")
        yield f"postgres://postgres@127.0.0.1:{port}/app"
    finally:
        tool("pg_ctl", "-D", cluster, "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


class RedisServer:
    """Debian's redis-server on a loopback port, without persistence: a restart forgets every key."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (RESULTS / "redis.log").open("a")
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), *options],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while self.cli("ping") != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip()

    def keys(self, pattern: str) -> list[str]:
        return self.cli("--scan", "--pattern", pattern).split()


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def self_signed_certificate(tmp: Path) -> tuple[Path, Path]:
    certificate, key = tmp / "localhost.pem", tmp / "localhost.key"
    command = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
    command += ["-nodes", "-days", "1", "-subj", "/CN=localhost"]
    command += ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    result = run([*command, "-keyout", str(key), "-out", str(certificate)], tmp)
    assert result.returncode == 0, result.stderr
    return certificate, key


def deploy_steps(project: Path) -> str:
    guide = (project / "docs/deploying.md").read_text()
    return re.search(r"```bash\n(.*?)```", guide, re.DOTALL).group(1)


@dataclass
class Production:
    project: Path
    web: str  # the frontend's public origin (nginx)
    api: str  # the API's public origin (nginx)
    trusted: Path
    database_url: str
    redis: RedisServer
    instances: list[Service]
    services: list[Service] = field(default_factory=list)
    mailbox: Any = None  # the template's e2e/mailbox.py Mailbox: the mail the instances sent
    web_env: dict[str, str] = field(default_factory=dict)  # what the instances run with
    internal: str = ""  # nginx's server for the API's own fetches (keys, the revocation list)
    issuer: str = ""  # the OpenID Connect provider's
    email: str = ""
    session: httpx.Cookies = field(default_factory=httpx.Cookies)

    def client(
        self, origin: str | None = None, *, signed_in: bool = False, address: str = "127.0.0.1"
    ) -> httpx.Client:
        """A client of one origin through nginx (Better Auth checks the Origin header); signed
        in with the session of the first sign-in, so that later tests spend no sign-in. Its
        connections come from `address` (any of 127.0.0.0/8): to nginx, another machine."""
        verify = ssl.create_default_context(cafile=str(self.trusted))
        return httpx.Client(
            base_url=origin or self.web,
            transport=httpx.HTTPTransport(verify=verify, local_address=address),
            headers={"Origin": self.web},
            cookies=self.session if signed_in else None,
        )

    def instance_of(self, response: httpx.Response) -> int:
        """The `next start` instance that answered (the test's nginx names it)."""
        port = int(response.headers["X-Instance"].rsplit(":", 1)[1])
        return next(i for i, instance in enumerate(self.instances) if instance.port == port)

    def sql(self, query: str) -> str:
        result = run(["psql", self.database_url, "-At", "-c", query], self.project)
        assert result.returncode == 0, result.stderr
        return result.stdout


def nginx_configuration(project: Production, tmp: Path, values: dict[str, str]) -> Path:
    """docs/deploying.md's envsubst line, run as written with this machine's values, then included in a
    main configuration that runs nginx in the foreground from `tmp`."""
    steps = deploy_steps(project.project)
    envsubst = next(line for line in steps.splitlines() if line.startswith("envsubst "))
    site = tmp / "site.conf"
    command = envsubst.replace(" > /etc/nginx/conf.d/my-app.conf", f" > {site}")
    result = run(["bash", "-e", "-c", command], project.project, env={**os.environ, **values})
    assert result.returncode == 0, result.stderr
    text = site.read_text()
    assert not re.search(r"\$\{[A-Z_0-9]+\}", text), "a variable was left for nginx"
    # Test only: name the instance that answered, to prove which one served each request.
    text = text.replace(
        "        proxy_pass http://my_app_web;\n",
        "        proxy_pass http://my_app_web;\n"
        "        add_header X-Instance $upstream_addr always;\n",
    )
    site.write_text(text)
    main = tmp / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {RESULTS}/nginx-error.log warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp}/body;\n"
        f"  proxy_temp_path {tmp}/proxy;\n  include {site};\n}}\n"
    )
    check = run(["nginx", "-t", "-p", str(tmp), "-c", str(main)], tmp)
    assert check.returncode == 0, check.stderr
    return main


# Session-scoped: the tests below are one run against one stack, in order (a sign-up, then
# sign-ins, then rotation...), which nothing may tear down between them (pytest-xdist would).
@pytest.fixture(scope="session")
def production(render: Renders, node_env: dict[str, str]) -> Iterator[Production]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    project_dir = render(ANSWERS)
    tmp = Path(tempfile.mkdtemp(prefix="production-"))
    certificate, key = self_signed_certificate(tmp)
    # The machine's own CA bundle (package registries may need it) plus the test's certificate.
    trusted = tmp / "trusted.pem"
    machine_bundle = os.environ.get("SSL_CERT_FILE") or os.environ.get("NODE_EXTRA_CA_CERTS")
    bundle = Path(machine_bundle).read_text() if machine_bundle else ""
    trusted.write_text(bundle + certificate.read_text())
    web_port, api_port, internal_port = free_port(), free_port(), free_port()
    instance_ports, api_process_port = [free_port(), free_port()], free_port()
    internal = f"http://127.0.0.1:{internal_port}"  # nginx's server for the API's own fetches
    web, api = f"https://localhost:{web_port}", f"https://localhost:{api_port}"
    smtp_port = free_port()
    with (
        postgres() as database_url,
        redis_server() as redis,
        template_module("e2e/mailbox.py").smtp_server(smtp_port) as mailbox,
        run_server_in_thread(port=free_port(), require_client_registration=True) as provider,
    ):
        # The README's provider steps: the app registered with the public callback URL only.
        issuer = f"http://localhost:{provider.server_port}"
        app = httpx.post(
            f"{issuer}/oauth2/clients",
            json={
                "redirect_uris": [f"{web}/api/auth/callback/oidc"],
                "token_endpoint_auth_method": "client_secret_basic",
            },
        ).json()
        frontend_env = {
            **node_env,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_FROM": "My App <no-reply@example.com>",
            "BETTER_AUTH_URL": web,
            "NEXT_PUBLIC_API_URL": api,
            "JWT_KEY_ROTATION_SECONDS": str(ROTATION_SECONDS),
            "JWT_KEY_GRACE_SECONDS": str(GRACE_SECONDS),
            "OIDC_ISSUER": issuer,
            "OIDC_CLIENT_ID": app["client_id"],
            "OIDC_CLIENT_SECRET": app["client_secret"],
        }
        # docs/deploying.md's steps: setup and build with the frontend's settings; the servers trust the
        # test's certificate (NODE_EXTRA_CA_CERTS, as for a private CA).
        running_env = {**frontend_env, "NODE_EXTRA_CA_CERTS": str(trusted)}
        api_env = {
            **node_env,
            "JWKS_URL": f"{internal}/api/auth/jwks",
            "REVOCATIONS_URL": f"{internal}/api/auth/revocations",
            "CORS_ORIGINS": web,
            "API_PORT": str(api_process_port),
            "API_WORKERS": "2",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            # A retired key leaves the API within 2 s of leaving the key set.
            "JWKS_CACHE_TTL_SECONDS": "2",
            "JWKS_REFETCH_COOLDOWN_SECONDS": "1",
        }
        setup = run(["npm", "run", "setup"], project_dir, env=frontend_env, timeout=1200)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        npm(["run", "build"], project_dir, frontend_env)
        services: list[Service] = []
        try:
            services.append(
                start("api", ["npm", "run", "start:api"], project_dir, api_env, api_process_port)
            )
            instances = [
                start(
                    f"web-{number}",
                    ["npm", "run", "start:web"],
                    project_dir,
                    {**running_env, "PORT": str(port)},
                    port,
                )
                for number, port in enumerate(instance_ports, 1)
            ]
            services += instances
            production = Production(
                project_dir,
                web,
                api,
                trusted,
                database_url,
                redis,
                instances,
                services,
                mailbox,
                web_env=running_env,
                internal=internal,
                issuer=issuer,
            )
            main = nginx_configuration(
                production,
                tmp,
                {
                    "PUBLIC_WEB_HOST": "localhost",
                    "PUBLIC_WEB_PORT": str(web_port),
                    "PUBLIC_API_HOST": "localhost",
                    "PUBLIC_API_PORT": str(api_port),
                    "TLS_CERTIFICATE": str(certificate),
                    "TLS_CERTIFICATE_KEY": str(key),
                    "WEB_INSTANCE_1": f"127.0.0.1:{instance_ports[0]}",
                    "WEB_INSTANCE_2": f"127.0.0.1:{instance_ports[1]}",
                    "API_ADDRESS": f"127.0.0.1:{api_process_port}",
                    "WEB_INTERNAL_ADDRESS": f"127.0.0.1:{internal_port}",
                },
            )
            services.append(
                start("nginx", ["nginx", "-p", str(tmp), "-c", str(main)], tmp, node_env, web_port)
            )
            for instance in instances:
                wait_until(
                    lambda i=instance: httpx.get(f"http://127.0.0.1:{i.port}/login").is_success,
                    f"{instance.name} answers",
                    services,
                )
            with production.client(api) as client:
                wait_until(
                    lambda: client.get("/ready").status_code == 200, "the API is ready", services
                )
            (RESULTS / "startup.json").write_text(
                json.dumps({"seconds_to_ready": round(time.monotonic() - started)})
            )
            yield production
        finally:
            for service in reversed(services):
                service.stop()
        left = [service.name for service in services if not service.group_is_gone()]
        assert not left, f"still running: {left}"
        ports = [web_port, api_port, internal_port, api_process_port, *instance_ports]
        assert all(port_is_closed(port) for port in ports), "a port is still open"
    shutil.rmtree(tmp, ignore_errors=True)


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post("/api/auth/sign-in/email", json={"email": email, "password": password})


def kid_of(token: str) -> str:
    header = token.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def test_the_readme_deploy_steps_are_the_ones_this_test_runs(production: Production) -> None:
    steps = deploy_steps(production.project)
    for command in [
        "npm run setup",
        "npm run build",
        "npm run start:api",
        "PORT=3000 npm run start:web",
        "PORT=3001 npm run start:web",
        "envsubst '",
        "/ready",
    ]:
        assert command in steps, command


def test_an_account_made_on_one_instance_signs_in_on_the_other(production: Production) -> None:
    production.email = f"prod-{secrets.token_hex(4)}@example.com"
    with production.client() as client:
        signed_up = client.post(
            "/api/auth/sign-up/email",
            json={"name": "Prod Person", "email": production.email, "password": PASSWORD},
        )
        assert signed_up.status_code == 200, signed_up.text
    # The API's own fetches (keys, revocation list) pass through nginx too: sign in until the
    # round robin hands a sign-in to the other instance, each time from another client.
    made_on = production.instance_of(signed_up)
    for number in range(1, 11):
        with production.client(address=f"127.0.2.{number}") as client:
            signed_in = sign_in(client, production.email)
            assert signed_in.status_code == 200, signed_in.text
            if production.instance_of(signed_in) != made_on:
                production.session = client.cookies
                break
    else:
        pytest.fail("ten sign-ins all reached the instance that made the account")
    assert any(name.startswith("__Secure-") for name in signed_in.cookies), "cookies not Secure"


def test_tokens_minted_by_either_instance_are_accepted_by_the_api(production: Production) -> None:
    served_by: set[int] = set()
    with production.client(signed_in=True) as web, production.client(production.api) as api:
        # Until both instances minted one (the API's own fetches shift nginx's round robin).
        for _ in range(12):
            if served_by == {0, 1}:
                break
            answer = web.get("/api/auth/token")
            assert answer.status_code == 200, answer.text
            served_by.add(production.instance_of(answer))
            token = answer.json()["token"]
            me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
            assert me.json()["caller"]["email"] == production.email
    assert served_by == {0, 1}


def test_a_provider_sign_in_goes_through_the_public_origin_and_reaches_the_api(
    production: Production,
) -> None:
    """Better Auth sends the provider the public callback URL (BETTER_AUTH_URL, https), which is
    the only one the provider's app has registered: no redirect_uri_mismatch behind nginx."""
    email = f"prod-sso-{secrets.token_hex(4)}@example.com"
    subject = f"sub-{secrets.token_hex(4)}"
    claims = {"email": email, "email_verified": True, "name": "Prod SSO"}
    httpx.put(f"{production.issuer}/users/{subject}", json=claims).raise_for_status()
    with production.client(address="127.0.3.1") as web, production.client(production.api) as api:
        started = web.post(
            "/api/auth/sign-in/social", json={"provider": "oidc", "callbackURL": "/dashboard"}
        )
        assert started.status_code == 200, started.text
        authorize = httpx.URL(started.json()["url"])
        callback = f"{production.web}/api/auth/callback/oidc"
        assert authorize.params["redirect_uri"] == callback
        authorized = httpx.post(authorize, data={"sub": subject})
        assert authorized.status_code == 302, authorized.text
        back = httpx.URL(authorized.headers["location"])
        assert str(back).startswith(f"{callback}?")
        landed = web.get(back)
        assert landed.status_code == 302
        assert httpx.URL(landed.headers["location"]).path == "/dashboard"
        token = web.get("/api/auth/token").json()["token"]
        me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200, me.text
        assert me.json()["caller"]["email"] == email
        assert me.json()["caller"]["email_verified"] is True


def test_the_dashboard_shows_the_apis_data_in_chromium(production: Production) -> None:
    with sync_playwright() as playwright:
        browser = template_module("e2e/chromium.py").launch(playwright)
        try:
            page = browser.new_page(base_url=production.web, ignore_https_errors=True)
            page.goto("/signup")
            page.fill('input[name="name"]', "Browser Person")
            page.fill('input[name="email"]', f"browser-{secrets.token_hex(4)}@example.com")
            page.fill('input[name="password"]', PASSWORD)
            page.click('button[type="submit"]')
            page.wait_for_url("**/dashboard", timeout=60_000)
            expect(page.locator('section[data-state="loading"]')).to_have_count(0, timeout=30_000)
            assert page.locator('section[data-state="failed"]').count() == 0
            page.screenshot(path=RESULTS / "dashboard.png", full_page=True)
            assert '"name": "Browser Person"' in page.locator("main").inner_text()
        finally:
            browser.close()


def test_keys_rotate_under_traffic_without_a_refusal_and_a_retired_key_is_refused(
    production: Production,
) -> None:
    answers: Counter[int] = Counter()
    kids: list[str] = []
    # Not from 127.0.0.1: the API fetches keys from there, and this test's polling of the key
    # set would spend that address's rate limit (100 per 10 s) for it.
    with (
        production.client(signed_in=True, address="127.0.1.1") as web,
        production.client(production.api) as api,
    ):
        first_token = web.get("/api/auth/token").json()["token"]
        token, fetched_at = first_token, time.monotonic()
        kids.append(kid_of(token))
        traffic_started = time.monotonic()
        deadline = traffic_started + TRAFFIC_SECONDS
        while time.monotonic() < deadline and sum(answers.values()) < TRAFFIC_MAX_CALLS:
            if time.monotonic() - fetched_at > 0.5:  # a fresh token, as browsers get them
                minted = web.get("/api/auth/token")
                assert minted.status_code == 200, minted.text
                token, fetched_at = minted.json()["token"], time.monotonic()
                if kid_of(token) != kids[-1]:
                    kids.append(kid_of(token))
            me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
            answers[me.status_code] += 1
        calls, traffic_seconds = sum(answers.values()), time.monotonic() - traffic_started
        assert answers == Counter({200: calls}), answers
        assert len(kids) >= 3, f"keys seen: {kids}"
        # The first key: retired, then past its grace period it leaves the key set, and the API
        # refuses the token it signed (which has not expired).
        retired = kids[0]

        def unpublished() -> bool:
            published = web.get("/api/auth/jwks").json()["keys"]
            return retired not in {key["kid"] for key in published}

        wait_until(unpublished, "the retired key leaves the key set", [], seconds=30)
        refused_at = time.monotonic()

        def refused() -> bool:
            answer = api.get("/api/me", headers={"Authorization": f"Bearer {first_token}"})
            return answer.status_code == 401

        wait_until(refused, "the API refuses the retired key's token", [], seconds=15)
        refused_after = time.monotonic() - refused_at
        time.sleep(3)  # every worker has refreshed its keys by now (a 2 s TTL)
        assert all(refused() for _ in range(6)), "a worker still accepts the retired key"
    (RESULTS / "rotation.json").write_text(
        json.dumps(
            {
                "api_calls": calls,
                "refused": calls - answers[200],
                "keys_seen": len(kids),
                "seconds": round(traffic_seconds, 1),
                "retired_key_refused_after_seconds": round(refused_after, 1),
            }
        )
    )


REVOCATION_TRIES = 20
# The API fetches the revocation list every 2 s: a token is refused within that and 1 s more.
REVOKED_WITHIN_SECONDS = 3.0
# Sign-outs this far apart fall at every point of the API's 2 s fetch cycle.
SIGN_OUT_SPACING_SECONDS = 0.3


def api_status(
    api: httpx.Client,
    bearer: dict[str, str],
    retried: Counter[int],
    method: str = "GET",
    path: str = "/api/me",
) -> int:
    """The API's answer to `method path`, retried after a 503 as the frontend's client does (keys
    rotate every few seconds here: a new key's first token may find its lookup cooling down)."""
    body = {"title": "x"} if method in {"POST", "PUT", "PATCH"} else None
    for _ in range(5):
        answer = api.request(method, path, headers=bearer, json=body)
        if answer.status_code != 503:
            return answer.status_code
        retried[503] += 1
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    return answer.status_code


@dataclass
class EndingSession:
    """A session of its own client (another address: no sign-in limit), signed out once."""

    web: httpx.Client
    bearer: dict[str, str]
    signed_out_at: float | None = None
    refused_after: float | None = None


def test_a_signed_out_sessions_tokens_are_refused_by_every_worker_within_seconds(
    production: Production,
) -> None:
    """Sign REVOCATION_TRIES sessions in, sign them out SIGN_OUT_SPACING_SECONDS apart, and time
    from each sign-out's answer to the API's first 401 for that session's token, through nginx,
    two `next start` instances and two API workers; once the bound has passed, no call
    (whichever worker answers) accepts any of the tokens."""
    retried: Counter[int] = Counter()

    def status_of(api: httpx.Client, bearer: dict[str, str]) -> int:
        return api_status(api, bearer, retried)

    sessions = []
    with contextlib.ExitStack() as clients:
        api = clients.enter_context(production.client(production.api))
        for number in range(REVOCATION_TRIES):
            web = clients.enter_context(production.client(address=f"127.0.3.{number + 1}"))
            assert sign_in(web, production.email).status_code == 200
            bearer = {"Authorization": f"Bearer {web.get('/api/auth/token').json()['token']}"}
            assert status_of(api, bearer) == 200
            sessions.append(EndingSession(web, bearer))
        started = time.monotonic()
        while any(session.refused_after is None for session in sessions):
            due = sum(session.signed_out_at is not None for session in sessions)
            if due < len(sessions) and time.monotonic() >= started + due * SIGN_OUT_SPACING_SECONDS:
                ending = sessions[due]
                assert ending.web.post("/api/auth/sign-out", json={}).status_code == 200
                ending.signed_out_at = time.monotonic()
            for session in sessions:
                if session.signed_out_at is None or session.refused_after is not None:
                    continue
                status = status_of(api, session.bearer)
                if status == 401:
                    session.refused_after = time.monotonic() - session.signed_out_at
                else:
                    assert status == 200, status
                    assert time.monotonic() - session.signed_out_at < 10, "accepted after 10 s"
            time.sleep(0.02)
        last_sign_out = max(session.signed_out_at or 0 for session in sessions)
        time.sleep(max(0.0, last_sign_out + REVOKED_WITHIN_SECONDS - time.monotonic()))
        for session in sessions:
            statuses = [status_of(api, session.bearer) for _ in range(10)]
            assert statuses == [401] * 10, statuses
    latencies = [session.refused_after or 0.0 for session in sessions]
    summary = {
        "tries": REVOCATION_TRIES,
        "min_seconds": round(min(latencies), 2),
        "median_seconds": round(statistics.median(latencies), 2),
        "max_seconds": round(max(latencies), 2),
        "answers_503_retried": retried[503],
    }
    (RESULTS / "revocation.json").write_text(json.dumps(summary))
    assert max(latencies) <= REVOKED_WITHIN_SECONDS, summary


CLAIMS_CHANGES = 20


def test_a_changed_claim_refuses_the_tokens_held_by_every_worker_within_seconds(
    production: Production,
) -> None:
    """CLAIMS_CHANGES grants by the owner's command (`npm run user -- grant`, with the
    instances' settings), each timed from the command's end to the API's first 401 for the token
    held before it, through nginx and two API workers; the same session's next token is accepted
    (nobody signs in again), and once the bound has passed no worker accepts an old token."""
    retried: Counter[int] = Counter()
    latencies: list[float] = []
    held: list[dict[str, str]] = []
    with production.client(signed_in=True) as web, production.client(production.api) as api:

        def bearer() -> dict[str, str]:
            return {"Authorization": f"Bearer {web.get('/api/auth/token').json()['token']}"}

        held.append(bearer())
        assert api_status(api, held[-1], retried) == 200
        for _ in range(CLAIMS_CHANGES):
            granted = run(
                ["npm", "run", "--silent", "user", "--", "grant", production.email, "role=editor"],
                production.project / "frontend",
                env=production.web_env,
            )
            assert granted.returncode == 0, granted.stderr
            changed_at = time.monotonic()
            while (status := api_status(api, held[-1], retried)) == 200:
                assert time.monotonic() - changed_at < 10, "accepted 10 s after the change"
                time.sleep(0.02)
            assert status == 401, status
            latencies.append(time.monotonic() - changed_at)
            held.append(bearer())
            assert api_status(api, held[-1], retried) == 200
        time.sleep(REVOKED_WITHIN_SECONDS)
        statuses = [api_status(api, old, retried) for old in held[:-1] for _ in range(2)]
        assert statuses == [401] * len(statuses), statuses
    summary = {
        "tries": CLAIMS_CHANGES,
        "min_seconds": round(min(latencies), 2),
        "median_seconds": round(statistics.median(latencies), 2),
        "max_seconds": round(max(latencies), 2),
        "answers_503_retried": retried[503],
    }
    (RESULTS / "claims-change.json").write_text(json.dumps(summary))
    assert max(latencies) <= REVOKED_WITHIN_SECONDS, summary


def test_an_organizations_endpoints_serve_its_members_and_a_removed_one_is_refused_in_seconds(
    production: Production,
) -> None:
    """Through nginx, both instances and both API workers: the owner creates an organization and
    invites a confirmed person by mail, who accepts; each token names the organization and the
    roles there, `{org_id}` endpoints serve its members (`[org_role=admin]` its owner only) and
    refuse other organizations; the member removed is refused within the bound, and their next
    token names no organization."""
    retried: Counter[int] = Counter()
    email = f"member-{secrets.token_hex(4)}@example.com"
    with (
        production.client(signed_in=True) as owner,
        production.client(address="127.0.4.1") as member,
        production.client(production.api) as api,
    ):

        def bearer(web: httpx.Client) -> dict[str, str]:
            return {"Authorization": f"Bearer {web.get('/api/auth/token').json()['token']}"}

        def status(method: str, org_id: str, web_bearer: dict[str, str]) -> int:
            return api_status(api, web_bearer, retried, method, f"/api/orgs/{org_id}/projects")

        slug = f"acme-{secrets.token_hex(3)}"
        made = owner.post("/api/auth/organization/create", json={"name": "Acme", "slug": slug})
        assert made.status_code == 200, made.text
        acme = made.json()["id"]
        owners = bearer(owner)
        assert status("GET", acme, owners) == 200 and status("POST", acme, owners) == 200
        assert status("GET", "another-organization", owners) == 403

        signed_up = member.post(
            "/api/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "M"}
        )
        assert signed_up.status_code == 200, signed_up.text
        confirm = production.mailbox.wait_for(email, "Confirm your email")
        assert member.get(confirm.link.removeprefix(production.web)).status_code == 302
        assert sign_in(member, email).status_code == 200
        invited = owner.post(
            "/api/auth/organization/invite-member", json={"email": email, "role": "member"}
        )
        assert invited.status_code == 200, invited.text
        invitation = production.mailbox.wait_for(email, "invited you to Acme")
        assert (
            invitation.link == f"{production.web}/organizations/invitations/{invited.json()['id']}"
        )
        accepted = member.post(
            "/api/auth/organization/accept-invitation", json={"invitationId": invited.json()["id"]}
        )
        assert accepted.status_code == 200, accepted.text
        members = bearer(member)
        assert status("GET", acme, members) == 200 and status("POST", acme, members) == 403

        removed = owner.post(
            "/api/auth/organization/remove-member", json={"memberIdOrEmail": email}
        )
        assert removed.status_code == 200, removed.text
        removed_at = time.monotonic()
        while (refused := status("GET", acme, members)) == 200:
            assert time.monotonic() - removed_at < 10, "still a member 10 s after removal"
            time.sleep(0.02)
        latency = time.monotonic() - removed_at
        assert refused == 401 and latency <= REVOKED_WITHIN_SECONDS, (refused, latency)
        assert status("GET", acme, bearer(member)) == 403  # the next token: no organization
    (RESULTS / "organization-removal.json").write_text(
        json.dumps({"seconds": round(latency, 2), "answers_503_retried": retried[503]})
    )


def test_sign_ins_with_spoofed_addresses_are_rate_limited_across_instances(
    production: Production,
) -> None:
    statuses: Counter[int] = Counter()
    limited_by: set[int] = set()
    with production.client() as client:
        for attempt in range(10):
            spoofed = f"203.0.113.{attempt + 1}"  # a new address each time, as an attacker would
            answer = client.post(
                "/api/auth/sign-in/email",
                json={"email": production.email, "password": "wrong-password-123"},
                headers={"X-Forwarded-For": spoofed, "X-Real-IP": spoofed},
            )
            statuses[answer.status_code] += 1
            if answer.status_code == 429:
                limited_by.add(production.instance_of(answer))
    assert statuses[429] >= 6, statuses  # Better Auth allows 3 sign-ins per 10 s per address
    assert set(statuses) <= {401, 429}, statuses
    assert limited_by == {0, 1}, "both instances refuse: the count is shared"
    keys = [key.removeprefix("better-auth:") for key in production.redis.keys("*sign-in*")]
    # Counted for the one real address (earlier tests signed in from other ones of their own).
    assert not [key for key in keys if "203.0.113" in key], keys
    assert [key for key in keys if key.startswith("127.0.0.1|")], keys
    (RESULTS / "rate-limit.json").write_text(json.dumps(dict(statuses)))


def test_wrong_sign_ins_at_once_on_both_instances_get_no_more_than_the_limit(
    production: Production,
) -> None:
    """Twelve wrong sign-ins from one client at the same moment, spread over both instances by
    nginx: Better Auth's count in Redis is one atomic INCR, so at most 3 are answered
    (401) and the rest are refused (429), whatever the interleaving."""
    address = "127.0.5.1"

    def attempt(_: int) -> int:
        with production.client(address=address) as client:
            body = {"email": production.email, "password": "wrong-password-123"}
            return client.post("/api/auth/sign-in/email", json=body).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = Counter(pool.map(attempt, range(12)))
    assert set(statuses) <= {401, 429}, statuses
    assert 1 <= statuses[401] <= 3 and statuses[429] >= 9, statuses


def test_redis_down_keeps_people_signed_in_and_restarted_empty_loses_no_session_or_revocation(
    production: Production,
) -> None:
    """Redis stopped mid-run: a signed-in person still gets tokens the API accepts (sessions are
    read from PostgreSQL), a sign-in and a sign-out are refused (429) rather than half done; Redis
    started again, empty: sign-in works within seconds, the person is still signed in, and their
    sign-out reaches every API worker as fast as ever."""

    def bearer(client: httpx.Client) -> dict[str, str]:
        return {"Authorization": f"Bearer {client.get('/api/auth/token').json()['token']}"}

    with (
        production.client(address="127.0.6.1") as person,
        production.client(address="127.0.6.2") as newcomer,
        production.client(production.api) as api,
    ):
        assert sign_in(person, production.email).status_code == 200
        production.redis.stop()
        try:
            for _ in range(4):  # both instances
                assert api.get("/api/me", headers=bearer(person)).status_code == 200
            # Refused as if over their limits (429 with Retry-After), nothing done.
            assert sign_in(newcomer, production.email).status_code == 429
            refused = person.post("/api/auth/sign-out", json={})
            assert refused.status_code == 429, refused.text
            assert api.get("/api/me", headers=bearer(person)).status_code == 200  # still whole
        finally:
            production.redis.start()
        started = time.monotonic()
        while sign_in(newcomer, production.email).status_code != 200:
            assert time.monotonic() - started < 10, "no sign-in 10 s after Redis came back"
            time.sleep(0.2)
        back_after = time.monotonic() - started
        token = bearer(person)
        assert api.get("/api/me", headers=token).status_code == 200
        assert person.post("/api/auth/sign-out", json={}).status_code == 200
        signed_out = time.monotonic()
        while api.get("/api/me", headers=token).status_code != 401:
            assert time.monotonic() - signed_out < REVOKED_WITHIN_SECONDS, "sign-out not refused"
            time.sleep(0.05)
        statuses = [api.get("/api/me", headers=token).status_code for _ in range(10)]
        assert statuses == [401] * 10, statuses
    (RESULTS / "redis-restart.json").write_text(
        json.dumps({"sign_in_after_restart_seconds": round(back_after, 2)})
    )


def test_a_redis_that_stops_answering_delays_a_session_check_by_its_timeout_not_more(
    production: Production,
) -> None:
    """Redis frozen (SIGSTOP: connections stay open, nothing answers), as an overloaded or
    partitioned server looks: a signed-in person's token fetch falls back to PostgreSQL after the
    frontend's 500 ms command timeout, instead of hanging; thawed, everything answers at once."""
    process = production.redis.process
    assert process is not None
    with production.client(address="127.0.6.3") as person:
        assert sign_in(person, production.email).status_code == 200
        os.kill(process.pid, signal.SIGSTOP)
        try:
            took = []
            for _ in range(4):  # both instances
                asked = time.monotonic()
                assert person.get("/api/auth/token").status_code == 200
                took.append(time.monotonic() - asked)
        finally:
            os.kill(process.pid, signal.SIGCONT)
        assert max(took) < 3, took  # a few commands of 500 ms at most, and the rest
        thawed = time.monotonic()
        assert person.get("/api/auth/token").status_code == 200
        assert time.monotonic() - thawed < 1
    (RESULTS / "redis-frozen.json").write_text(
        json.dumps({"token_seconds_while_frozen": [round(t, 2) for t in took]})
    )


def test_stopping_an_instance_mid_run_loses_no_sign_in(production: Production) -> None:
    production.instances[1].stop()
    with production.client(address="127.0.0.6") as client:  # not limited by earlier tests
        for _ in range(2):  # round robin would send one of them to the stopped instance
            signed_in = sign_in(client, production.email)
            assert signed_in.status_code == 200, signed_in.text
            assert production.instance_of(signed_in) == 0


def test_one_clients_failed_sign_ins_never_lock_out_another_client(
    production: Production,
) -> None:
    """Counted per address (the proxy's X-Real-IP), not in one bucket for everyone."""
    with (
        production.client(address="127.0.0.2") as attacker,
        production.client(address="127.0.0.3") as person,
    ):
        failed = [
            sign_in(attacker, production.email, "wrong-password-123").status_code for _ in range(6)
        ]
        assert failed.count(429) >= 3, failed  # 3 sign-ins per 10 s for that address
        assert sign_in(person, production.email).status_code == 200
        assert sign_in(attacker, production.email).status_code == 429  # still limited
    (RESULTS / "lockout.json").write_text(json.dumps({"attacker": failed, "other_client": 200}))


def test_an_anonymous_flood_of_token_requests_never_starves_signed_in_users(
    production: Production,
) -> None:
    with (
        production.client(address="127.0.0.4") as flood,
        production.client(signed_in=True, address="127.0.0.5") as person,
    ):
        statuses = Counter(flood.get("/api/auth/token").status_code for _ in range(150))
        assert statuses[429] > 0, statuses  # the flood is limited...
        answer = person.get("/api/auth/token")  # ...and only the flood
        assert answer.status_code == 200, answer.text
    (RESULTS / "token-flood.json").write_text(json.dumps(dict(statuses)))


def test_a_request_that_bypasses_the_proxy_is_refused_not_counted_with_everyone(
    production: Production,
) -> None:
    instance = production.instances[0].port
    answer = httpx.post(
        f"http://127.0.0.1:{instance}/api/auth/sign-in/email",
        json={"email": production.email, "password": PASSWORD},
        headers={"Origin": production.web},
    )
    assert answer.status_code == 421, answer.text
    assert "x-real-ip" in answer.json()["message"]
    assert "CLIENT_IP_HEADER=none" in answer.json()["message"]  # what to set without a proxy


def test_the_api_fetches_the_keys_and_the_list_from_an_instance_with_no_proxy_between(
    production: Production,
) -> None:
    """No limit counts them, so they need no client address: as `npm run start` runs them (the
    API pointed at an instance), or the API fetching from a web container directly."""
    instance = production.instances[0].port
    for document in ["jwks", "revocations"]:
        answer = httpx.get(f"http://127.0.0.1:{instance}/api/auth/{document}")
        assert answer.status_code == 200, (document, answer.text)


def test_the_revocation_list_is_served_to_the_api_and_not_to_the_public(
    production: Production,
) -> None:
    with production.client() as public:
        assert public.get("/api/auth/revocations").status_code == 404
        assert public.get("/api/auth/jwks").status_code == 200  # public keys stay public
    assert httpx.get(f"{production.internal}/api/auth/revocations").status_code == 200
    assert httpx.get(f"{production.internal}/api/auth/session").status_code == 404


def test_nginx_closes_idle_upstream_connections_before_the_servers_behind_it_do(
    production: Production,
) -> None:
    """uvicorn and Node close an idle connection after 5 s; if nginx kept it longer, a request
    sent on it just as the server closed it would get a 502 (a POST is not retried)."""
    site = (production.project / "deploy/nginx.conf.template").read_text()
    upstreams = re.findall(r"^upstream \S+ \{$(.*?)^\}$", site, re.DOTALL | re.MULTILINE)
    timeouts = [re.search(r"keepalive_timeout (\d+)s;", block) for block in upstreams]
    assert len(upstreams) == 2 and all(t and int(t.group(1)) < 5 for t in timeouts), upstreams
    statuses = []
    with production.client(signed_in=True) as web, production.client(production.api) as api:
        for _ in range(2):
            time.sleep(5.0)  # as long as the servers keep an idle connection
            # A fresh token each time, as a browser has: keys rotate every few seconds here.
            token = web.get("/api/auth/token").json()["token"]
            user_id = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["sub"]
            answer = api.post(
                f"/api/{user_id}/tasks",
                json={"title": "after a pause"},
                headers={"Authorization": f"Bearer {token}"},
            )
            statuses.append(answer.status_code)
    assert statuses == [200] * 2, statuses


def test_mailed_links_lead_to_the_public_origin_and_reset_a_password_once(
    production: Production,
) -> None:
    """Through nginx: the confirmation mailed at sign-up and a reset link both use the public
    https origin; the reset link, followed through the proxy, sets a new password once."""
    email = f"mail-{secrets.token_hex(4)}@example.com"
    with production.client(address="127.0.0.21") as client:
        signed_up = client.post(
            "/api/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "M"}
        )
        assert signed_up.status_code == 200, signed_up.text
        confirm = production.mailbox.wait_for(email, "Confirm your email")
        assert confirm.link.startswith(f"{production.web}/api/auth/verify-email?token=")

        asked = client.post(
            "/api/auth/request-password-reset",
            json={"email": email, "redirectTo": "/reset-password"},
        )
        assert asked.status_code == 200, asked.text
        reset = production.mailbox.wait_for(email, "Reset your")
        assert reset.link.startswith(f"{production.web}/api/auth/reset-password/")
        followed = client.get(reset.link.removeprefix(production.web))
        assert followed.status_code == 302
        token = followed.headers["location"].split("token=", 1)[1]
        new_password = "another-correct-horse-9"
        body = {"newPassword": new_password, "token": token}
        assert client.post("/api/auth/reset-password", json=body).status_code == 200
        again = client.post("/api/auth/reset-password", json=body)
        assert again.status_code == 400 and again.json()["code"] == "INVALID_TOKEN"
        assert sign_in(client, email).status_code == 401  # the old password
        assert sign_in(client, email, new_password).status_code == 200


def test_mail_to_one_address_asked_for_at_once_on_both_instances_stays_within_its_limit(
    production: Production,
) -> None:
    """Twelve reset requests for one address at once, each from another client, spread over both
    instances by nginx: the per-address count in Redis is one atomic INCR, so at most 3
    mails go out (the confirmation mailed at sign-up is one of them)."""
    email = f"flood-{secrets.token_hex(4)}@example.com"
    with production.client(address="127.0.0.22") as client:
        signed_up = client.post(
            "/api/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "F"}
        )
        assert signed_up.status_code == 200, signed_up.text
    production.mailbox.wait_for(email, "Confirm your email")

    def ask(number: int) -> int:
        with production.client(address=f"127.0.4.{number}") as client:
            body = {"email": email, "redirectTo": "/reset-password"}
            return client.post("/api/auth/request-password-reset", json=body).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(ask, range(1, 13))) == {200}
    production.mailbox.wait_for(email, "Reset your", count=2)
    time.sleep(2)  # any mail past the limit would have arrived by now
    assert len(production.mailbox.to(email)) == 3


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("SMTP_URL", "Cannot start: SMTP_URL is not set"),
        ("EMAIL_FROM", "Cannot start: EMAIL_FROM is not set"),
    ],
)
def test_a_server_without_its_mail_settings_refuses_to_start(
    production: Production, unset: str, message: str
) -> None:
    """Mail would be lost: `next start` stops at once with what to set, and serves nothing."""
    env = {key: value for key, value in production.web_env.items() if key != unset}
    port = free_port()
    result = run(
        ["npm", "run", "start:web"], production.project, env={**env, "PORT": str(port)}, timeout=60
    )
    assert result.returncode != 0, result.stdout[-2000:]
    assert message in result.stdout + result.stderr, result.stdout[-2000:] + result.stderr[-2000:]
    assert port_is_closed(port)
