"""Benchmarks of the template and of the generated auth check. Prints Markdown tables.

    python bench/run.py            (about 1.5 minutes; needs wrk: apt-get install wrk)
    python bench/run.py --quick    (a smoke run of the script: its numbers mean little)
    python bench/run.py --template (render time and template structure only; no wrk needed)

1. render time of `copier copy --defaults`, and the template's structure;
2. one verification through the generated dependency chain (header parsing, key lookup, PyJWT,
   claims model, the verified-token cache), for a token seen for the first time and for one seen
   before, against a bare `jwt.decode` with a pre-parsed key, and against PyJWKClient;
3. rejecting oversized garbage tokens, against unguarded PyJWT;
4. HTTP, real uvicorn with wrk: a protected endpoint with browser-like reused tokens and with a
   new token on every request, against the same endpoint without auth; the JWKS fetches made;
   then 1 against 2 uvicorn workers;
5. memory: RSS growth after verifying 100,000 distinct valid tokens, cache on and off.
Every loop is bounded in count and time; servers listen on 127.0.0.1 only.
"""

import asyncio
import datetime
import importlib
import importlib.util
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import copier
import httpx
import jwt

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {
    "EdDSA": {"jwt_algorithm": "EdDSA"},
    "ES256": {"jwt_algorithm": "ES256"},
    "RS256": {"jwt_algorithm": "RS256"},
    "HS256": {"token_mode": "shared_secret"},
}
REPEATS = 5
VERIFICATIONS = 2000
HTTP_SECONDS = 8
NEW_TOKENS = 40_000
MEMORY_TOKENS = 100_000
GARBAGE_SIZES = {"10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000}


def median_seconds(run: Callable[[], Any], count: int) -> float:
    """Median over REPEATS of the time per call of `run`, called `count` times per repeat."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(count):
            run()
        samples.append((time.perf_counter() - started) / count)
    return statistics.median(samples)


def render(destination: Path, slug: str, answers: dict[str, Any]) -> Path:
    data = {"project_slug": slug, **answers}
    copier.run_copy(str(ROOT), destination, data=data, defaults=True, vcs_ref="HEAD", quiet=True)
    return destination / "backend"


ONE_FILE_TEMPLATE = {
    "copier.yml": "_subdirectory: template\nproject_name:\n  type: str\n  default: My App\n",
    "template/README.md.jinja": "# {{ project_name }}\n",
    "template/{{_copier_conf.answers_file}}.jinja": "{{ _copier_answers | to_nice_yaml }}",
}
RENDER_RATIO_TARGET = 3.5
# The answers that vary files; a file named by one of their values is that value's own.
VARYING_ANSWERS = ["token_mode", "secret_location", "backend_secret_source", "database"]
VALUE_FILE = re.compile(r"\{% if (" + "|".join(VARYING_ANSWERS) + r") (?:==|!=) ")


def one_file_template(workdir: Path) -> Path:
    """The smallest real Copier template (one question, one file), committed: the render floor."""
    root = workdir / "one-file-template"
    for name, text in ONE_FILE_TEMPLATE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "one file"]):
        subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
    return root


def median_render_seconds(template: Path, workdir: Path, label: str) -> float:
    samples = []
    for number in range(REPEATS):
        started = time.perf_counter()
        copier.run_copy(
            str(template), workdir / f"{label}-{number}", defaults=True, vcs_ref="HEAD", quiet=True
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def median_command_seconds(template: Path, workdir: Path, label: str) -> float:
    """`copier copy --defaults` as a user runs it: interpreter start and import included."""
    samples = []
    for number in range(3):
        started = time.perf_counter()
        destination = workdir / f"{label}-command-{number}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "copier",
                "copy",
                "-q",
                "--defaults",
                "--vcs-ref",
                "HEAD",
                str(template),
                str(destination),
            ],
            check=True,
            capture_output=True,
        )
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_render(workdir: Path) -> list[list[str]]:
    floor_template = one_file_template(workdir)
    floor = median_render_seconds(floor_template, workdir, "one-file")
    median = median_render_seconds(ROOT, workdir, "render")
    floor_command = median_command_seconds(floor_template, workdir, "one-file")
    command = median_command_seconds(ROOT, workdir, "render")
    return [
        ["one-file Copier template, in process (floor)", f"{floor:.2f} s", "-", "-"],
        ["this template, in process", f"{median:.2f} s", "< 1.5 s", verdict(median < 1.5)],
        ["this template / one-file template, in process", f"{median / floor:.1f}x", "-", "-"],
        ["one-file Copier template, `copier copy --defaults`", f"{floor_command:.2f} s", "-", "-"],
        ["this template, `copier copy --defaults`", f"{command:.2f} s", "-", "-"],
        [
            "this template / one-file template, `copier copy`",
            f"{command / floor_command:.1f}x",
            f"<= {RENDER_RATIO_TARGET}x",
            verdict(command / floor_command <= RENDER_RATIO_TARGET),
        ],
    ]


def value_specific(path: Path) -> bool:
    """A file that exists for some values of an answer only: its name carries the condition."""
    return bool(VALUE_FILE.search(str(path.relative_to(ROOT / "template"))))


def template_structure() -> list[list[str]]:
    """Where an answer that varies files still branches inside files that every value shares."""
    shared = [
        path
        for path in (ROOT / "template").rglob("*")
        if path.is_file() and "node_modules" not in path.parts and not value_specific(path)
    ]
    rows = []
    for answer in ["token_mode", "secret_location", "database"]:
        branch = re.compile(rf"\b{answer}\s*(?:==|!=)")
        branches = {path: len(branch.findall(path.read_text())) for path in shared}
        branching = [path for path, count in branches.items() if count]
        rows.append(
            [
                f"`{answer}` branches (`==`, `!=`) in files every value shares",
                f"{sum(branches.values())} in {len(branching)} files",
                "0",
            ]
        )
    files = sum(1 for path in (ROOT / "template").rglob("*") if value_specific(path))
    return [*rows, ["files of one value (named by their condition)", str(files), "-"]]


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def load_tests_package(backend: Path, name: str) -> str:
    """Import a rendered backend's `tests/` folder as the package `name` (every variant's folder
    is called `tests`), so that its modules' relative imports work; return `name`."""
    spec = importlib.util.spec_from_file_location(
        name, backend / "tests/__init__.py", submodule_search_locations=[str(backend / "tests")]
    )
    assert spec and spec.loader, backend
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return name


class Variant:
    """A rendered backend, its settings, a signing key or secret, and a valid token."""

    def __init__(self, name: str, backend: Path) -> None:
        self.name = name
        sys.path.insert(0, str(backend))
        package = f"bench_{name.lower()}"
        self.modules = {
            part: importlib.import_module(f"{package}.{part}")
            for part in ["core.config", "jwt_auth", "jwt_auth.dependencies", "main"]
        }
        self.settings_class = self.modules["core.config"].Settings
        self.backend = backend
        self.package = package
        self.jwks_server = None
        # The rendered project's own test helpers (backend/tests/), under a name of their own.
        helpers = load_tests_package(backend, f"{package}_tests")
        tokens = importlib.import_module(f"{helpers}.tokens")
        self.lists = importlib.import_module(f"{helpers}.revocation_lists")
        # One verification is measured without the revocation list (the HTTP table compares).
        without_list = {"_env_file": None, "revocations_enabled": False}
        if name.startswith("HS"):
            keys = importlib.import_module(f"{helpers}.keys")
            signer = keys.SharedSecret()
            self.settings = self.settings_class(**without_list, api_jwt_secret=signer.key)
            self.floor_key: Any = signer.key.encode()
        else:
            keys = importlib.import_module(f"{helpers}.keys")
            signer = keys.SigningKey.generate(name)
            self.jwks_server = keys.JwksServer(signer).__enter__()
            self.settings = self.settings_class(**without_list, jwks_url=self.jwks_server.url)
            self.floor_key = signer.private_key.public_key()
        self.tokens = tokens.TokenFactory(
            signer, issuer=self.settings.jwt_issuer, audience=self.settings.jwt_audience
        )
        self.token = self.tokens.token("user-1")
        self.list_server = self.lists.ListServer().__enter__()

    def serve_revoked(self, count: int) -> int:
        """Serve a list of `count` ended sessions (none of the benchmark's); its size in bytes."""
        sessions = [f"ended-{number:026d}" for number in range(count)]
        self.list_server.serve(self.lists.signed_list(self.tokens, *sessions))
        return len(self.list_server.body)

    def close(self) -> None:
        self.list_server.__exit__(None, None, None)
        if self.jwks_server:
            self.jwks_server.stop()

    def bare_decode(self, token: str) -> dict[str, Any]:
        return jwt.decode(
            token,
            self.floor_key,
            algorithms=[self.name],
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )


def request_with(token: str, verifier: Any = None) -> Any:
    """A request as the app hands it to its dependencies, with the app's verifier."""
    from starlette.requests import Request

    headers = [(b"authorization", f"Bearer {token}".encode())]
    app = SimpleNamespace(state=SimpleNamespace(token_verifier=verifier))
    scope = {"type": "http", "method": "GET", "path": "/api/me", "headers": headers, "app": app}
    return Request({**scope, "query_string": b""})


FIRST_SEEN_TARGET = 1.10


def chain_seconds(variant: Variant, tokens: list[str]) -> float:
    """Median time per request through the generated dependency chain, each repeat with a new
    verifier (an empty cache), over `tokens` in order."""
    current_user = variant.modules["jwt_auth.dependencies"].current_user

    async def measure() -> float:
        samples = []
        for _ in range(REPEATS):
            async with variant.modules["jwt_auth"].open_verifier(variant.settings) as verifier:
                requests = [request_with(token, verifier) for token in tokens]
                started = time.perf_counter()
                for request in requests:
                    await current_user(request)
                samples.append((time.perf_counter() - started) / len(requests))
        return statistics.median(samples)

    return asyncio.run(measure())


def bench_verification(variants: list[Variant]) -> list[list[str]]:
    rows = []
    for variant in variants:
        # Distinct tokens (one user each), so that every one is seen for the first time.
        distinct = [variant.tokens.token(f"user-{number}") for number in range(VERIFICATIONS)]
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            for token in distinct:
                variant.bare_decode(token)
            samples.append((time.perf_counter() - started) / len(distinct))
        floor = statistics.median(samples)
        first_seen = chain_seconds(variant, distinct)
        seen_before = chain_seconds(variant, [variant.token] * VERIFICATIONS)
        row = [
            variant.name,
            f"{1 / floor:,.0f}",
            f"{1 / first_seen:,.0f}",
            f"{first_seen / floor:.2f}x",
            verdict(first_seen / floor <= FIRST_SEEN_TARGET),
            f"{1 / seen_before:,.0f} ({seen_before * 1e6:.1f} µs)",
        ]
        if variant.jwks_server:
            client = jwt.PyJWKClient(variant.jwks_server.url)

            def guide_style(v: Variant = variant, c: Any = client) -> None:
                signing_key = c.get_signing_key_from_jwt(v.token)
                jwt.decode(
                    v.token,
                    signing_key.key,
                    algorithms=[v.name],
                    issuer=v.settings.jwt_issuer,
                    audience=v.settings.jwt_audience,
                )

            cached = median_seconds(guide_style, VERIFICATIONS)

            def new_client(v: Variant = variant) -> None:
                signing_key = jwt.PyJWKClient(v.jwks_server.url).get_signing_key_from_jwt(v.token)
                jwt.decode(
                    v.token,
                    signing_key.key,
                    algorithms=[v.name],
                    issuer=v.settings.jwt_issuer,
                    audience=v.settings.jwt_audience,
                )

            fresh = median_seconds(new_client, 50)
            row += [
                f"{1 / cached:,.0f} ({cached / floor:.2f}x)",
                f"{1 / fresh:,.0f} ({fresh / floor:.0f}x)",
            ]
        else:
            row += ["-", "-"]
        rows.append(row)
    return rows


def bench_garbage(variant: Variant) -> list[list[str]]:
    rows = []

    async def guarded_per_call(token: str) -> float:
        async with variant.modules["jwt_auth"].open_verifier(variant.settings) as verifier:
            samples = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                for _ in range(200):
                    try:
                        await verifier.verify(token)
                    except variant.modules["jwt_auth"].InvalidToken:
                        pass
                samples.append((time.perf_counter() - started) / 200)
            return statistics.median(samples)

    for label, size in GARBAGE_SIZES.items():
        garbage = "eyJhbGciOiJFZERTQSJ9." + "A" * size + ".AAAA"
        guarded = asyncio.run(guarded_per_call(garbage))

        def unguarded(token: str = garbage) -> None:
            try:
                variant.bare_decode(token)
            except jwt.PyJWTError:
                pass

        bare = median_seconds(unguarded, 5 if size >= 1_000_000 else 50)
        target = verdict(guarded < 0.0001) if size == 1_000_000 else "-"
        rows.append([label, f"{guarded * 1e6:,.1f} µs", f"{bare * 1e6:,.0f} µs", target])
    return rows


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


BENCH_APP = '''
import time

from fastapi import APIRouter

from {package}.api.schemas import Caller, EndpointResponse
from {package}.jwt_auth import Claims
from {package}.main import create_app

NOW = int(time.time())
CLAIMS = Claims.model_validate(
    {{"sub": "user-1", "iss": "bench", "aud": "bench", "iat": NOW, "exp": NOW + 900}}
)


def app():
    """The generated app, plus GET /api/me's handler without authentication, for comparison
    (on an included router, as the generated routes are)."""
    application = create_app()
    router = APIRouter()

    @router.get("/bench/open")
    async def open_endpoint() -> EndpointResponse:
        return EndpointResponse(
            endpoint="GET /bench/open", caller=Caller.of(CLAIMS), placeholder="none"
        )

    application.include_router(router)
    return application
'''


TOKENS_LUA = """
tokens = {{{tokens}}}
counter = 0
request = function()
  counter = counter + 1
  local token = tokens[(counter - 1) % #tokens + 1]
  return wrk.format("GET", nil, {{["Authorization"] = "Bearer " .. token}})
end
"""
BROWSER_USERS = 50
REUSED_TARGET = 0.85
# The revocation list's cost on the reused-token path, and the list size it is measured with.
LIST_ON_TARGET = 0.97
REVOKED_SESSIONS = 100_000


def wrk(url: str, tokens: list[str], workdir: Path) -> dict[str, float]:
    """wrk for HTTP_SECONDS, one thread, 32 connections, cycling through `tokens` in order."""
    script = workdir / "tokens.lua"
    script.write_text(TOKENS_LUA.format(tokens=",".join(f'"{token}"' for token in tokens)))
    result = subprocess.run(
        ["wrk", "-t1", "-c32", f"-d{HTTP_SECONDS}s", "--latency", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
        timeout=HTTP_SECONDS + 60,
    )
    out = result.stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)$", out, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


class BenchServer:
    """The generated app plus an open copy of its handler, under uvicorn as `serve` runs it."""

    def __init__(
        self, variant: Variant, workdir: Path, workers: int, revocations: bool = False
    ) -> None:
        (workdir / "bench_app.py").write_text(BENCH_APP.format(package=variant.package))
        self.port = free_port()
        env = {
            **os.environ,
            "JWKS_URL": variant.jwks_server.url,
            "REVOCATIONS_ENABLED": str(revocations).lower(),
            "REVOCATIONS_URL": variant.list_server.url,
            "PYTHONPATH": f"{workdir}{os.pathsep}{variant.backend}",
        }
        command = [sys.executable, "-m", "uvicorn", "bench_app:app", "--factory"]
        command += ["--http", f"{variant.package}.core.limits:BoundedHttpProtocol"]
        command += ["--port", str(self.port), "--host", "127.0.0.1", "--workers", str(workers)]
        command += ["--log-level", "warning", "--no-access-log"]
        self.process = subprocess.Popen(command, cwd=workdir, env=env)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{self.url}/health")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise
                time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def http_row(label: str, result: dict[str, float], ratio: str = "", target: str = "") -> list[str]:
    return [
        label,
        f"{result['rps']:,.0f}",
        ratio,
        f"{result['p50']:.2f} ms",
        f"{result['p99']:.2f} ms",
        f"{result['errors']:.0f}",
        target,
    ]


def bench_http(
    variant: Variant, workdir: Path
) -> tuple[list[list[str]], list[list[str]], list[list[str]], int]:
    fetches_before = variant.jwks_server.requests
    users = [variant.tokens.token(f"user-{number}") for number in range(BROWSER_USERS)]
    # More distinct tokens than one run can send: every request carries a token never seen.
    distinct = [variant.tokens.token(f"fresh-{number}") for number in range(NEW_TOKENS)]
    server = BenchServer(variant, workdir, workers=1)
    try:
        open_ = wrk(f"{server.url}/bench/open", users, workdir)
        reused = wrk(f"{server.url}/api/me", users, workdir)
        every_new = wrk(f"{server.url}/api/me", distinct, workdir)
    finally:
        server.stop()
    fetches = variant.jwks_server.requests - fetches_before
    server = BenchServer(variant, workdir, workers=2)
    try:
        open_two = wrk(f"{server.url}/bench/open", users, workdir)
        reused_two = wrk(f"{server.url}/api/me", users, workdir)
    finally:
        server.stop()
    listed = {}
    for count in (0, REVOKED_SESSIONS):
        variant.serve_revoked(count)
        server = BenchServer(variant, workdir, workers=1, revocations=True)
        try:
            listed[count] = wrk(f"{server.url}/api/me", users, workdir)
        finally:
            server.stop()
    ratio = reused["rps"] / open_["rps"]
    new_ratio = every_new["rps"] / open_["rps"]
    assert every_new["requests"] <= len(distinct), "raise NEW_TOKENS: tokens were sent twice"
    one_process = [
        http_row("GET /bench/open (same handler, no auth)", open_, "1.00x"),
        http_row(
            f"GET /api/me, {BROWSER_USERS} users' tokens, each sent again and again",
            reused,
            f"{ratio:.2f}x",
            f"{verdict(ratio >= REUSED_TARGET)} (>= {REUSED_TARGET}x)",
        ),
        http_row(
            "GET /api/me, every request a token never seen (worst case)",
            every_new,
            f"{new_ratio:.2f}x",
            "-",
        ),
    ]
    revocations = [
        http_row(f"GET /api/me, {BROWSER_USERS} users, revocation list off", reused, "1.00x")
    ]
    for count, result in listed.items():
        list_ratio = result["rps"] / reused["rps"]
        revocations.append(
            http_row(
                f"GET /api/me, {BROWSER_USERS} users, list on, {count:,} sessions on it",
                result,
                f"{list_ratio:.2f}x",
                f"{verdict(list_ratio >= LIST_ON_TARGET)} (>= {LIST_ON_TARGET}x)",
            )
        )
    scaling = [
        [
            "GET /bench/open",
            f"{open_['rps']:,.0f}",
            f"{open_two['rps']:,.0f}",
            f"{open_two['rps'] / open_['rps']:.2f}x",
        ],
        [
            f"GET /api/me, {BROWSER_USERS} users",
            f"{reused['rps']:,.0f}",
            f"{reused_two['rps']:,.0f}",
            f"{reused_two['rps'] / reused['rps']:.2f}x",
        ],
    ]
    return one_process, scaling, revocations, fetches


MEMORY_SCRIPT = """
import asyncio, sys
from {package}.jwt_auth import open_verifier
from {package}.core.config import Settings

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

async def main():
    tokens = [line.strip() for line in sys.stdin]
    settings = Settings(_env_file=None)  # API_JWT_SECRET and JWT_CACHE_ENABLED from the environment
    async with open_verifier(settings) as verifier:
        before = rss_kib()
        for token in tokens:
            await verifier.verify(token)
        print(rss_kib() - before, verifier.cached_tokens)

asyncio.run(main())
"""


def bench_memory(variant: Variant) -> list[list[str]]:
    """RSS growth of a fresh process verifying MEMORY_TOKENS distinct valid tokens, with the
    cache at its default size and off (HS256: signing that many tokens is fastest)."""
    tokens = "\n".join(variant.tokens.token(f"user-{number}") for number in range(MEMORY_TOKENS))
    rows = []
    for state in ("on", "off"):
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT.format(package=variant.package)],
            input=tokens,
            capture_output=True,
            text=True,
            check=True,
            env={
                **os.environ,
                "PYTHONPATH": str(variant.backend),
                "API_JWT_SECRET": variant.settings.api_jwt_secret.get_secret_value(),
                "JWT_CACHE_ENABLED": str(state == "on").lower(),
                "REVOCATIONS_ENABLED": "false",
            },
            timeout=600,
        )
        growth_kib, kept = (int(value) for value in result.stdout.split())
        label = f"cache {'on, default size' if state == 'on' else 'off'}"
        per_entry = f"{growth_kib * 1024 / kept:,.0f} B" if kept else "-"
        rows.append(
            [label, f"{MEMORY_TOKENS:,}", f"{kept:,}", f"{growth_kib / 1024:.1f} MiB", per_entry]
        )
    return rows


LIST_MEMORY_SCRIPT = """
import asyncio, gc, sys, time, tracemalloc
from {package}.core.config import Settings
from {package}.jwt_auth.key_source import open_key_source
from {package}.jwt_auth.policy import VerificationPolicy
from {package}.jwt_auth.revocations import RevocationList, verified_list

async def held_list(keys, settings, body):
    fetched = await verified_list(body, keys.key_for, VerificationPolicy.of(settings))
    held = RevocationList(max_stale_seconds=60, when_stale="refuse")
    assert held.offer(fetched) is None
    return held

async def main():
    settings = Settings(_env_file=None)  # JWKS_URL from the environment
    async with open_key_source(settings, frozenset(settings.jwt_algorithms)) as keys:
        body = open(sys.argv[1], "rb").read()
        started = time.perf_counter()
        held = await held_list(keys, settings, body)
        seconds = time.perf_counter() - started
        del held
        gc.collect()
        tracemalloc.start()
        held = await held_list(keys, settings, body)
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
        print(kept, peak, seconds, len(held.held.sessions))

asyncio.run(main())
"""


def bench_list_memory(variant: Variant, workdir: Path) -> list[list[str]]:
    """What a process holds for a list of REVOKED_SESSIONS once it is verified (Python's own
    allocations, tracemalloc), the most it allocates on the way, and the time that takes."""
    size = variant.serve_revoked(REVOKED_SESSIONS)
    body = workdir / "revocations.json"
    body.write_bytes(variant.list_server.body)
    result = subprocess.run(
        [sys.executable, "-c", LIST_MEMORY_SCRIPT.format(package=variant.package), str(body)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(variant.backend), "JWKS_URL": variant.jwks_server.url},
        timeout=600,
    )
    kept, peak, seconds, held = result.stdout.split()
    assert int(held) == REVOKED_SESSIONS, result.stdout
    return [
        [
            variant.name,
            f"{size / 1024 / 1024:.1f} MiB",
            f"{int(kept) / 1024 / 1024:.1f} MiB",
            f"{int(kept) / REVOKED_SESSIONS:.0f} B",
            f"{int(peak) / 1024 / 1024:.1f} MiB",
            f"{float(seconds) * 1000:.0f} ms",
        ]
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}, {datetime.date.today().isoformat()}"


def main() -> None:
    global REPEATS, VERIFICATIONS, HTTP_SECONDS, NEW_TOKENS, MEMORY_TOKENS
    if "--quick" in sys.argv:  # a smoke run of the script itself; its numbers mean little
        REPEATS, VERIFICATIONS, HTTP_SECONDS, NEW_TOKENS, MEMORY_TOKENS = 1, 100, 1, 8000, 2000
    template_only = "--template" in sys.argv
    if not template_only and not shutil.which("wrk"):
        sys.exit("wrk is needed for the HTTP benchmark: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="template-bench-"))
    try:
        print(f"Measured on {machine()}.\n")
        print("### Render time (median)\n")
        print(table(["what", "time", "target", ""], bench_render(workdir)))
        print("\n### Template structure\n")
        print(table(["what", "count", "target"], template_structure()))
        if template_only:
            return
        variants = [
            Variant(name, render(workdir / name, f"bench-{name.lower()}", answers))
            for name, answers in VARIANTS.items()
        ]
        try:
            print(
                f"\n### One verification through the dependency chain (per second, median of "
                f"{REPEATS} x {VERIFICATIONS:,})\n"
            )
            print(
                table(
                    [
                        "alg",
                        "bare jwt.decode, key parsed once (floor)",
                        "chain, token seen for the first time",
                        "first-seen / floor",
                        f"target <= {FIRST_SEEN_TARGET}x",
                        "chain, token seen before (cache hit)",
                        "PyJWKClient, module-level (cache hit)",
                        "new PyJWKClient per request",
                    ],
                    bench_verification(variants),
                )
            )
            print("\n### Rejecting oversized garbage tokens (time per call)\n")
            print(
                table(
                    [
                        "size",
                        "generated verifier",
                        "unguarded jwt.decode",
                        "target < 100 µs (1 MB)",
                    ],
                    bench_garbage(variants[0]),
                )
            )
            one_process, scaling, revocations, fetches = bench_http(variants[0], workdir)
            print(
                f"\n### HTTP, real uvicorn, one process, wrk: 1 thread, 32 connections, "
                f"{HTTP_SECONDS} s each ({variants[0].name})\n"
            )
            print(
                table(
                    ["endpoint", "requests/s", "/ open", "p50", "p99", "non-2xx", "target"],
                    one_process,
                )
            )
            print(
                f"\nJWKS fetches during the one-process run (startup prefetch included): {fetches}"
            )
            print(
                f"\n### Revocation list: its cost per request (one process, {variants[0].name}; "
                f"the list fetched every 2 s)\n"
            )
            print(
                table(
                    ["endpoint", "requests/s", "/ list off", "p50", "p99", "non-2xx", "target"],
                    revocations,
                )
            )
            print(f"\n### Revocation list: {REVOKED_SESSIONS:,} ended sessions held\n")
            print(
                table(
                    ["alg", "answer", "held", "per session", "peak while verifying", "verify once"],
                    bench_list_memory(variants[0], workdir),
                )
            )
            print("\n### Scaling: uvicorn workers on this machine (requests/s)\n")
            print(table(["endpoint", "1 worker", "2 workers", "2 / 1"], scaling))
            hs256 = next(variant for variant in variants if variant.name == "HS256")
            print(f"\n### Memory: RSS growth verifying {MEMORY_TOKENS:,} distinct valid tokens\n")
            print(
                table(
                    ["verified-token cache", "tokens", "kept", "RSS growth", "per token kept"],
                    bench_memory(hs256),
                )
            )
        finally:
            for variant in variants:
                variant.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
