"""What following the revocation list costs the frontend: the whole list on every poll (before
change lists) against the changes since the list held is complete. Prints a Markdown table.

    python bench/feed.py                  (about 3 minutes after the set-up)
    python bench/feed.py --quick          (a smoke run: 1,000 entries, 5 pollers, 6 s a row)
    python bench/feed.py --project DIR    (a project of the defaults set up already)

Renders the defaults (or takes DIR), builds the frontend unless it is built, puts ENTRIES ended
sessions on the list (its database, directly), starts `next start`, and for each row runs POLLERS
simulated API processes, each with its own connection, fetching every INTERVAL seconds as the
API does (the first fetches spread over one interval): "whole" fetches the whole list every time;
"changes" fetches it once before the row is measured (as an API process does when it starts),
then `?since=` the `through` of the last answer. The churn row ends
CHURN sessions a second meanwhile (rows written as the frontend records them), and counts how many
of them every poller had heard of by the end. Counted: bytes received a second, the frontend's CPU
(every process of `next start`, from /proc) a second, and how long a fetch took. Every loop is
bounded in count and time; the server listens on 127.0.0.1 only and is stopped at the end.
"""

import argparse
import asyncio
import base64
import json
import os
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from overload import NODE24_BIN, fill_the_list, free_port, run, server, set_up

ENTRIES = 100_000
POLLERS = 50
INTERVAL = 2.0
SECONDS = 30
CHURN = 5  # sessions ended a second in the churn row
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Row:
    label: str
    polls: int = 0
    failures: int = 0
    received: int = 0
    fetch_seconds: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    heard: list[set[str]] = field(default_factory=list)  # per poller: the sessions it was told of
    ended: set[str] = field(default_factory=set)


def cpu_seconds_of_group(group: int) -> float:
    """User + system CPU of every live process in a process group (next start and its workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == group:  # fields[2] is the process group (the 5th field)
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def payload_of(body: bytes) -> dict:
    """The (already trusted: this is a benchmark) payload of a list answer."""
    segment = json.loads(body)["list"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


@dataclass
class Window:
    """When the measured polls happen: every poller has its connection (and, for changes, the
    whole list) before it starts."""

    ready: asyncio.Barrier
    started: asyncio.Event = field(default_factory=asyncio.Event)
    stop_at: float = 0.0


async def poller(url: str, changes: bool, row: Row, start_after: float, window: Window) -> None:
    heard: set[str] = set()
    row.heard.append(heard)
    through: int | None = None
    async with httpx.AsyncClient(timeout=60) as client:
        if changes:  # the whole list first, as a starting API process does: not measured
            through = payload_of((await client.get(url)).raise_for_status().content)["through"]
        await window.ready.wait()
        await window.started.wait()
        await asyncio.sleep(start_after)
        while time.monotonic() < window.stop_at:
            asked = time.monotonic()
            params = {"since": str(through)} if changes and through is not None else None
            try:
                response = await client.get(url, params=params)
                response.raise_for_status()
            except httpx.HTTPError:
                row.failures += 1
            else:
                row.polls += 1
                row.received += len(response.content)
                row.fetch_seconds.append(time.monotonic() - asked)
                payload = payload_of(response.content)
                heard.update(payload["sessions"])
                through = max(through or 0, payload["through"])
            await asyncio.sleep(max(0.0, asked + INTERVAL - time.monotonic()))


def end_sessions(database: Path, row: Row, stop_at: float) -> None:
    """CHURN sessions a second put on the list, as the frontend records them (changedAt now)."""
    connection = sqlite3.connect(database, timeout=10)
    run_id, number = secrets.token_hex(4), 0
    while time.monotonic() < stop_at:
        now = time.time()
        stamp = (
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        )
        until = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now + 1200))
        with connection:
            for _ in range(CHURN):
                sid = f"bench-churn-{run_id}-{number}"
                connection.execute(
                    'INSERT INTO "revokedSession" ("id", "sessionId", "expiresAt", "changedAt") '
                    "VALUES (?, ?, ?, ?)",
                    (sid, sid, until, stamp),
                )
                row.ended.add(sid)
                number += 1
        time.sleep(1)
    connection.close()


async def measure(
    url: str,
    group: int,
    label: str,
    changes: bool,
    pollers: int,
    seconds: float,
    churn: Path | None,
) -> Row:
    row = Row(label)
    window = Window(asyncio.Barrier(pollers + 1))
    tasks = [
        asyncio.create_task(poller(url, changes, row, INTERVAL * n / pollers, window))
        for n in range(pollers)
    ]
    await asyncio.wait_for(window.ready.wait(), timeout=600)
    window.stop_at = time.monotonic() + seconds
    cpu_before = cpu_seconds_of_group(group)
    window.started.set()
    if churn is not None:
        # Stop ending sessions an interval before the pollers stop: their last fetches name all.
        await asyncio.to_thread(end_sessions, churn, row, window.stop_at - INTERVAL - 1)
    await asyncio.gather(*tasks)
    row.cpu_seconds = cpu_seconds_of_group(group) - cpu_before
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--project", type=Path, help="a set-up project (npm run setup)")
    arguments = parser.parse_args()
    entries, pollers, seconds = (1_000, 5, 6) if arguments.quick else (ENTRIES, POLLERS, SECONDS)
    env = {
        **os.environ,
        "PATH": f"{NODE24_BIN}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NEXT_TELEMETRY_DISABLED": "1",
        "SMTP_URL": "smtp://127.0.0.1:9",  # nothing is mailed here; next start needs one
        "EMAIL_FROM": "Bench <bench@example.com>",
    }
    with tempfile.TemporaryDirectory(prefix="feed-") as folder:
        project = arguments.project or set_up(Path(folder) / "project", env)
        if not (project / "frontend" / ".next" / "BUILD_ID").exists():
            run(["npm", "run", "build"], project, env)
        fill_the_list(project, entries)
        database = project / "frontend" / "data" / "auth.db"
        web = free_port()
        frontend = f"http://localhost:{web}"
        settings = {
            **env,
            "PORT": str(web),
            "BETTER_AUTH_URL": frontend,
            "CLIENT_IP_HEADER": "none",
        }
        url = f"{frontend}/api/auth/revocations"
        with server(["npm", "run", "start:web"], project, settings, f"{frontend}/login") as group:
            httpx.get(url, timeout=60).raise_for_status()  # compiled and warm before measuring
            rows = [
                asyncio.run(measure(url, group, label, changes, pollers, seconds, churn))
                for label, changes, churn in [
                    ("whole list every poll (before)", False, None),
                    ("changes since the list held (after)", True, None),
                    (f"changes, {CHURN} sessions ended a second", True, database),
                ]
            ]
    print(
        f"### Following the revocation list: {entries:,} ended sessions, {pollers} pollers "
        f"every {INTERVAL:g} s, {seconds:g} s a row\n"
    )
    print(
        "| what each poll fetches | polls | failed | received a second | per poll | "
        "frontend CPU (cores) | fetch median / slowest | sessions ended meanwhile: heard by every poller |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        took = sorted(row.fetch_seconds) or [0.0]
        per_poll = row.received / row.polls if row.polls else 0
        heard = (
            f"{min(len(row.ended & heard) for heard in row.heard)} of {len(row.ended)}"
            if row.ended
            else "-"
        )
        print(
            f"| {row.label} | {row.polls} | {row.failures} | {size(row.received / seconds)} | "
            f"{size(per_poll)} | {row.cpu_seconds / seconds:.2f} | "
            f"{statistics.median(took) * 1000:.0f} / {took[-1] * 1000:.0f} ms | {heard} |"
        )


def size(count: float) -> str:
    for unit, scale in [("MiB", 2**20), ("KiB", 2**10)]:
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count:,.0f} B"


if __name__ == "__main__":
    main()
