"""What one `next start` does per second, and what each sign-in and each token costs the database
and Redis: the measured half of the README's capacity model. Prints Markdown tables.

    python bench/capacity.py               (about 3 minutes after the set-up)
    python bench/capacity.py --quick       (a smoke run: 3 s a row)
    python bench/capacity.py --project DIR (a project of database=postgres, session_store=redis,
                                            set up already: npm run setup -- --no-database)

Renders that answer set (or takes DIR), starts a PostgreSQL server and a Redis server of its own
on loopback (Debian's binaries; PostgreSQL logs every statement), migrates, builds, and starts one
`next start` (CLIENT_IP_HEADER=x-forwarded-for: each request names a client address of its own,
so Better Auth's per-address limits count each client, as behind a proxy). Then, with CLIENTS
concurrent clients for SECONDS each: sign-ins (the password hashed each time), and token fetches
by signed-in people. Before that, one sign-in and one token fetch alone, between which the
database's statements (from its log) and Redis's commands (INFO commandstats) are counted. Every
loop is bounded in count and time; every server listens on 127.0.0.1 only and is stopped at the end.
"""

import argparse
import asyncio
import contextlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier
import httpx
import yaml
from overload import NODE24_BIN, free_port, run, server

ANSWERS = {"database": "postgres", "session_store": "redis"}
# Where a signed-in browser gets its API token, in each token mode.
TOKEN_PATHS = {"jwks": "/api/auth/token", "shared_secret": "/api/token"}
CLIENTS = 16
SECONDS = 20
PASSWORD = "correct-horse-battery-staple"
_addresses = itertools.count(1)


def address() -> str:
    """A client address of its own (Better Auth counts 3 sign-ins per 10 s per address)."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL server that logs every statement: its URL, and its log."""
    bin_dir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    data = Path(tempfile.mkdtemp(prefix="capacity-postgres-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port, cluster, log = free_port(), str(data / "cluster"), data / "log"

    def tool(name: str, *args: str) -> None:
        run([*as_owner, str(bin_dir / name), *args], folder, dict(os.environ))

    tool("initdb", "-D", cluster, "-U", "postgres", "--auth=trust")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c log_statement=all"
    tool("pg_ctl", "-D", cluster, "-o", options, "-l", str(log), "-w", "start")
    try:
        tool("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "app")
        yield f"postgres://postgres@127.0.0.1:{port}/app", log
    finally:
        tool("pg_ctl", "-D", cluster, "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


@contextlib.contextmanager
def redis() -> Iterator[int]:
    port = free_port()
    options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), *options], stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while redis_cli(port, "ping") != "PONG":
            if time.monotonic() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def answers(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def redis_cli(port: int, *args: str) -> str:
    result = subprocess.run(
        ["redis-cli", "-p", str(port), *args], capture_output=True, text=True, timeout=10
    )
    return result.stdout.strip()


def redis_commands(port: int) -> int:
    """Every command Redis has run (INFO commandstats), but the INFO calls themselves."""
    stats = redis_cli(port, "info", "commandstats")
    calls = {m[0]: int(m[1]) for m in re.findall(r"cmdstat_(\w+):calls=(\d+)", stats)}
    return sum(count for name, count in calls.items() if name != "info")


def statements(log: Path) -> int:
    """The statements PostgreSQL ran so far (simple and extended protocol, as node-postgres sends)."""
    return len(re.findall(r"LOG:  (?:statement|execute [^:]*):", log.read_text(errors="replace")))


def client(frontend: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=frontend, headers={"Origin": frontend, "X-Forwarded-For": address()}, timeout=60
    )


async def sign_in(session: httpx.AsyncClient, email: str) -> int:
    session.headers["X-Forwarded-For"] = address()
    answer = await session.post(
        "/api/auth/sign-in/email", json={"email": email, "password": PASSWORD}
    )
    return answer.status_code


async def rate(work, clients: int, seconds: float) -> tuple[float, int]:
    """Per second, the answers 200 that `clients` loops of `work` got in `seconds`; and others."""
    done, other = 0, 0
    stop_at = time.monotonic() + seconds

    async def loop(n: int) -> None:
        nonlocal done, other
        while time.monotonic() < stop_at:
            if await work(n) == 200:
                done += 1
            else:
                other += 1

    started = time.monotonic()
    await asyncio.gather(*(loop(n) for n in range(clients)))
    return done / (time.monotonic() - started), other


async def measure(
    frontend: str, token_path: str, log: Path, redis_port: int, seconds: float
) -> tuple[list[list[str]], list[list[str]]]:
    async with client(frontend) as first:
        emails = [f"capacity-{n}@example.com" for n in range(CLIENTS)]
        for email in emails:
            first.headers["X-Forwarded-For"] = address()
            answer = await first.post(
                "/api/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "C"}
            )
            answer.raise_for_status()
        # One of each alone, counted.
        await sign_in(first, emails[0])
        await first.get(token_path)
        costs = []
        for label, call in [
            ("a sign-in (email and password)", lambda: sign_in(first, emails[0])),
            ("a token fetch (a signed-in session)", lambda: first.get(token_path)),
        ]:
            time.sleep(0.5)  # the log has caught up
            sql, commands = statements(log), redis_commands(redis_port)
            await call()
            time.sleep(0.5)
            costs.append(
                [label, str(statements(log) - sql), str(redis_commands(redis_port) - commands)]
            )
    sessions = [client(frontend) for _ in range(CLIENTS)]
    try:
        for session, email in zip(sessions, emails, strict=True):
            assert await sign_in(session, email) == 200
        sign_ins, refused_sign_ins = await rate(
            lambda n: sign_in(sessions[n], emails[n]), CLIENTS, seconds
        )

        async def token(n: int) -> int:
            sessions[n].headers["X-Forwarded-For"] = address()  # each its own limit's count
            return (await sessions[n].get(token_path)).status_code

        tokens, refused_tokens = await rate(token, CLIENTS, seconds)
    finally:
        for session in sessions:
            await session.aclose()
    return costs, [
        ["sign-ins (email and password)", f"{sign_ins:,.0f}", str(refused_sign_ins)],
        ["token fetches (signed-in sessions)", f"{tokens:,.0f}", str(refused_tokens)],
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--project", type=Path, help="a set-up project (see above)")
    arguments = parser.parse_args()
    seconds = 3 if arguments.quick else SECONDS
    for tool in ("redis-server", "redis-cli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed: apt-get install redis-server")
    env = {
        **os.environ,
        "PATH": f"{NODE24_BIN}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing is mailed here; next start needs one
        "EMAIL_FROM": "Bench <bench@example.com>",
        "EMAIL_VERIFICATION": "off",
        "CLIENT_IP_HEADER": "x-forwarded-for",
    }
    with tempfile.TemporaryDirectory(prefix="capacity-") as folder:
        project = arguments.project
        if project is None:
            project = Path(folder) / "project"
            copier.run_copy(
                str(Path(__file__).resolve().parent.parent),
                project,
                data=ANSWERS,
                defaults=True,
                vcs_ref="HEAD",
                quiet=True,
            )
            run(["npm", "run", "setup", "--", "--no-database"], project, env)
        with postgres(Path(folder)) as (database_url, log), redis() as redis_port:
            web = free_port()
            frontend = f"http://localhost:{web}"
            settings = {
                **env,
                "DATABASE_URL": database_url,
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "PORT": str(web),
                "BETTER_AUTH_URL": frontend,
            }
            run(["npm", "run", "db:migrate"], project / "frontend", settings)
            run(["npm", "run", "build"], project, settings)
            with server(["npm", "run", "start:web"], project, settings, f"{frontend}/login"):
                token_path = TOKEN_PATHS[answers(project).get("token_mode", "jwks")]
                costs, rates = asyncio.run(measure(frontend, token_path, log, redis_port, seconds))
    print("### What one request costs (one alone, PostgreSQL and Redis)\n")
    print("| request | SQL statements | Redis commands |")
    print("|---|---|---|")
    for row in costs:
        print("| " + " | ".join(row) + " |")
    print(f"\n### One `next start`, {CLIENTS} clients at once, {seconds:g} s a row\n")
    print("| what | per second | answers other than 200 |")
    print("|---|---|---|")
    for row in rates:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
