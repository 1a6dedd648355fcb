"""`make test`: the whole suite on SQLite, then again on throwaway PostgreSQL + Redis servers
when Debian's binaries are installed. Prints how many tests ran on each."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


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


def run_pytest(label: str, env: dict, args: list[str]) -> tuple[int, dict]:
    report = VAR / f"junit-{label}.xml"
    print(f"\n=== {label}: pytest {' '.join(args)}", flush=True)
    code = subprocess.call(
        [sys.executable, "-m", "pytest", f"--junitxml={report}", *args], cwd=ROOT, env=env
    )
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        suite = ET.parse(report).getroot()  # noqa: S314 - our own pytest's report
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        counts = {key: int(suite.get(key, 0)) for key in counts}
    return code, counts


@contextlib.contextmanager
def postgres_server():
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
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
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
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
def redis_server():
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


def main(args: list[str]) -> int:
    VAR.mkdir(exist_ok=True)
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    results = {}
    results["SQLite"] = run_pytest("sqlite", base_env, args)

    with postgres_server() as database_url, redis_server() as redis_url:
        if database_url and redis_url:
            env = base_env | {
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": f"{redis_url}/0",
                "REDIS_URL": f"{redis_url}/1",
            }
            results["PostgreSQL+Redis"] = run_pytest("postgresql", env, args)
        else:
            missing = [
                name
                for name, found in (
                    ("PostgreSQL (initdb/pg_ctl)", database_url),
                    ("redis-server", redis_url),
                )
                if not found
            ]
            print(
                f"\n!!! SKIPPED the PostgreSQL + Redis run: {', '.join(missing)} not installed. "
                "Install Debian's postgresql and redis-server (as .ci/run does) to run it."
            )

    print("\n=== Summary")
    total = {"passed": 0, "failed": 0, "skipped": 0}
    worst = 0
    for label, (code, counts) in results.items():
        failed = counts["failures"] + counts["errors"]
        passed = counts["tests"] - failed - counts["skipped"]
        total["passed"] += passed
        total["failed"] += failed
        total["skipped"] += counts["skipped"]
        print(
            f"{label}: {passed} passed, {failed} failed, {counts['skipped']} skipped "
            f"(pytest exit {code})"
        )
        worst = worst or code
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
