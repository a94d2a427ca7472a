"""Benchmarks of the template and of the generated auth check. Prints Markdown tables.

    python bench/run.py            (about 1.5 minutes; needs wrk: apt-get install wrk)
    python bench/run.py --quick    (a smoke run of the script: seconds, numbers meaningless)
    python bench/run.py --template (render time and template structure only; no wrk needed)

1. render time of `copier copy --defaults`;
2. one verification through the generated dependency chain (header parsing, key lookup, PyJWT,
   claims model) against a bare `jwt.decode` with a pre-parsed key, and against PyJWKClient;
3. HTTP: a protected endpoint against the same endpoint without auth, real uvicorn, wrk;
4. rejecting oversized garbage tokens, against unguarded PyJWT;
5. JWKS fetches made during the HTTP run.
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
MODE_BRANCH = re.compile(r"token_mode\s*(?:==|!=)")


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


def mode_specific(path: Path) -> bool:
    """A file that exists in one token mode only: its name carries the condition."""
    return "token_mode ==" in str(path.relative_to(ROOT / "template"))


def template_structure() -> list[list[str]]:
    """Where the token mode still branches inside files that both modes share."""
    shared = [
        path
        for path in (ROOT / "template").rglob("*")
        if path.is_file() and not mode_specific(path)
    ]
    branches = {path: len(MODE_BRANCH.findall(path.read_text())) for path in shared}
    branching = [path for path, count in branches.items() if count]
    return [
        [
            "`token_mode` branches (`==`, `!=`) in files both modes share",
            f"{sum(branches.values())} in {len(branching)} files",
            "close to 0",
        ],
        [
            "mode-specific files",
            str(sum(1 for path in (ROOT / "template").rglob("*") if mode_specific(path))),
            "-",
        ],
    ]


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def load_module(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
        # The rendered project's own test helpers (backend/tests/), loaded under unique names:
        # every variant's folder is called `tests`.
        tokens = load_module(backend / "tests/tokens.py", f"{package}_tokens")
        if name.startswith("HS"):
            keys = load_module(backend / "tests/shared_secret_keys.py", f"{package}_keys")
            signer = keys.SharedSecret()
            self.settings = self.settings_class(_env_file=None, api_jwt_secret=signer.key)
            self.floor_key: Any = signer.key.encode()
        else:
            keys = load_module(backend / "tests/jwks_keys.py", f"{package}_keys")
            signer = keys.SigningKey.generate(name)
            self.jwks_server = keys.JwksServer(signer).__enter__()
            self.settings = self.settings_class(_env_file=None, jwks_url=self.jwks_server.url)
            self.floor_key = signer.private_key.public_key()
        self.tokens = tokens.TokenFactory(
            signer, issuer=self.settings.jwt_issuer, audience=self.settings.jwt_audience
        )
        self.token = self.tokens.token("user-1")

    def close(self) -> None:
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


def request_with(token: str) -> Any:
    from starlette.requests import Request

    headers = [(b"authorization", f"Bearer {token}".encode())]
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/api/me",
            "headers": headers,
            "query_string": b"",
        }
    )


def bench_verification(variants: list[Variant]) -> list[list[str]]:
    rows = []
    for variant in variants:
        floor = median_seconds(lambda v=variant: v.bare_decode(v.token), VERIFICATIONS)
        dependencies = variant.modules["jwt_auth.dependencies"]

        async def chain(v: Variant = variant, deps: Any = dependencies) -> float:
            async with v.modules["jwt_auth"].open_verifier(v.settings) as verifier:
                request = request_with(v.token)

                async def one() -> None:
                    token = await deps.bearer_token(request, None)
                    user = await deps.optional_user(request, token, verifier)
                    await deps.current_user(request, user)

                samples = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    for _ in range(VERIFICATIONS):
                        await one()
                    samples.append((time.perf_counter() - started) / VERIFICATIONS)
                return statistics.median(samples)

        generated = asyncio.run(chain())
        row = [
            variant.name,
            f"{1 / floor:,.0f}",
            f"{1 / generated:,.0f}",
            f"{generated / floor:.2f}x",
            verdict(generated / floor <= 1.15),
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
from {package}.api.schemas import Caller, EndpointResponse
from {package}.main import create_app


def app():
    """The generated app, plus the same handler without authentication, for comparison."""
    application = create_app()

    @application.get("/bench/open")
    async def open_endpoint() -> EndpointResponse:
        caller = Caller(user_id="user-1", email="user-1@example.com", name="user-1", claims={{"role": "user"}})
        return EndpointResponse(endpoint="GET /bench/open", caller=caller, placeholder="none")

    return application
'''


def wrk(url: str, token: str) -> dict[str, float]:
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c32",
            f"-d{HTTP_SECONDS}s",
            "--latency",
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=HTTP_SECONDS + 30,
    )
    out = result.stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)$", out, re.MULTILINE).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def bench_http(variant: Variant, workdir: Path) -> tuple[list[list[str]], int]:
    (workdir / "bench_app.py").write_text(BENCH_APP.format(package=variant.package))
    port = free_port()
    fetches_before = variant.jwks_server.requests
    env = {
        **os.environ,
        "JWKS_URL": variant.jwks_server.url,
        "PYTHONPATH": f"{workdir}{os.pathsep}{variant.backend}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench_app:app",
            "--factory",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=workdir,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health")
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        protected = wrk(f"http://127.0.0.1:{port}/api/me", variant.token)
        open_ = wrk(f"http://127.0.0.1:{port}/bench/open", variant.token)
        fetches = variant.jwks_server.requests
    finally:
        server.terminate()
        server.wait(timeout=15)
    ratio = protected["rps"] / open_["rps"]
    rows = [
        [
            "GET /api/me (CurrentUser, EdDSA)",
            f"{protected['rps']:,.0f}",
            f"{protected['p50']:.2f} ms",
            f"{protected['p99']:.2f} ms",
            f"{protected['errors']:.0f}",
        ],
        [
            "GET /bench/open (same handler, no auth)",
            f"{open_['rps']:,.0f}",
            f"{open_['p50']:.2f} ms",
            f"{open_['p99']:.2f} ms",
            f"{open_['errors']:.0f}",
        ],
        [
            "ratio (protected / open)",
            f"{ratio:.2f}x",
            "",
            "",
            verdict(ratio >= 0.8) + " (target >= 0.8x)",
        ],
    ]
    return rows, fetches - fetches_before


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
    global REPEATS, VERIFICATIONS, HTTP_SECONDS
    if "--quick" in sys.argv:  # a smoke run of the script itself; its numbers mean little
        REPEATS, VERIFICATIONS, HTTP_SECONDS = 1, 100, 1
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
            print("\n### One verification (verifies per second, median of 5 x 2,000)\n")
            print(
                table(
                    [
                        "alg",
                        "bare jwt.decode, key parsed once (floor)",
                        "generated dependency chain",
                        "chain / floor",
                        "target <= 1.15x",
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
            rows, fetches = bench_http(variants[0], workdir)
            print(
                f"\n### HTTP, real uvicorn, wrk: 1 thread, 32 connections, {HTTP_SECONDS} s per endpoint\n"
            )
            print(table(["endpoint", "requests/s", "p50", "p99", "non-2xx"], rows))
            print(f"\nJWKS fetches during the HTTP run (startup prefetch included): {fetches}")
        finally:
            for variant in variants:
                variant.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
