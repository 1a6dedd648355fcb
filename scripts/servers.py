"""Throwaway PostgreSQL and Redis servers on free loopback ports in temporary directories,
removed afterwards: Debian's binaries, no packages of our own. Used by `make test`
(run_tests.py) and `make bench DB=postgres` (bench.py)."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# For tests: a server that loses everything on a crash anyway need not wait for the disk.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


@contextlib.contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[str | None]:
    """Yields the URL of an empty database ``warecache`` on a new server (None when
    PostgreSQL is not installed). ``durable``: commits wait for the disk, as in production
    (for benchmarks); otherwise fsync is off (for tests)."""
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    createdb = find_binary("createdb")
    if not (initdb and pg_ctl and createdb):
        yield None
        return
    root = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="warecache-pg-"))
    as_postgres: list[str] = []
    if root:
        # initdb refuses to run as root: run the throwaway server as Debian's postgres user.
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = workdir / "data", free_port()
    try:
        subprocess.run(
            [
                *as_postgres,
                initdb,
                "-D",
                str(data),
                "-U",
                "warecache",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            options += f" {FAST}"
        subprocess.run(
            [
                *as_postgres,
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(workdir / "log"),
                "-w",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [createdb, "-h", "127.0.0.1", "-p", str(port), "-U", "warecache", "warecache"],
            check=True,
        )
        yield f"postgres://warecache@127.0.0.1:{port}/warecache"
    finally:
        subprocess.run(
            [*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """Yields ``redis://127.0.0.1:<port>`` of a new server without persistence (None when
    redis-server is not installed)."""
    binary = shutil.which("redis-server")
    if not binary:
        yield None
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="warecache-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
