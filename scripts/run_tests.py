"""`make test`: the whole suite on SQLite, then again on throwaway PostgreSQL + Redis servers
when Debian's binaries are installed. Prints how many tests ran on each."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from servers import postgres_server, redis_server

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def _counts(report: Path) -> dict:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.exists():
        suite = ET.parse(report).getroot()  # noqa: S314 - our own pytest's report
        suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
        counts = {key: int(suite.get(key, 0)) for key in counts}
    return counts


def _pytest_command(label: str, args: list[str]) -> tuple[list[str], Path]:
    report = VAR / f"junit-{label}.xml"
    report.unlink(missing_ok=True)
    return [sys.executable, "-m", "pytest", f"--junitxml={report}", *args], report


def run_pytest(label: str, env: dict, args: list[str]) -> tuple[int, dict]:
    command, report = _pytest_command(label, args)
    print(f"\n=== {label}: pytest {' '.join(args)}", flush=True)
    code = subprocess.call(command, cwd=ROOT, env=env)
    return code, _counts(report)


def start_pytest(label: str, env: dict, args: list[str]) -> tuple[subprocess.Popen, Path, Path]:
    """The same run in the background, its output in var/test-<label>.log (printed when it
    ends), so the two databases' runs share the machine's cores."""
    command, report = _pytest_command(label, args)
    log = VAR / f"test-{label}.log"
    print(f"\n=== {label}: pytest {' '.join(args)} (in the background, output in {log})")
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, report, log


def main(args: list[str]) -> int:
    VAR.mkdir(exist_ok=True)
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    # WARECACHE_TESTS_SERIAL=1 runs the databases one after the other (easier to read).
    serial = os.environ.get("WARECACHE_TESTS_SERIAL") == "1"
    results = {}
    fuzzed = None
    with postgres_server() as database_url, redis_server() as redis_url:
        background = None
        if database_url and redis_url:
            # Each run has its own test database name (PYTEST_XDIST_WORKER picks the SQLite
            # file; the PostgreSQL run has its own server), so they can run side by side.
            pg_env = base_env | {
                "DATABASE_URL": database_url,
                "CELERY_BROKER_URL": f"{redis_url}/0",
                "REDIS_URL": f"{redis_url}/1",
                "PYTEST_XDIST_WORKER": "postgresql",
            }
            if not serial:
                background = start_pytest("postgresql", pg_env, args)
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

        # The SQLite test database is var/test-<PYTEST_XDIST_WORKER>.sqlite3: a name given
        # from outside keeps two runs in one checkout apart.
        sqlite_env = base_env | {
            "PYTEST_XDIST_WORKER": base_env.get("PYTEST_XDIST_WORKER", "sqlite")
        }
        results["SQLite"] = run_pytest("sqlite", sqlite_env, args)
        # The live API against its own OpenAPI schema, once, on SQLite (about three minutes);
        # not when ARGS picks some tests.
        if not args:
            print("\n=== schemathesis: scripts/schemathesis_run.py", flush=True)
            command = [
                sys.executable,
                "scripts/schemathesis_run.py",
                "--max-examples=5",
                "--workers=2",
            ]
            fuzzed = subprocess.call(command, cwd=ROOT, env=base_env)

        if background is not None:
            process, report, log = background
            code = process.wait()
            print(f"\n=== PostgreSQL+Redis (from {log})", flush=True)
            sys.stdout.write(log.read_text())
            results["PostgreSQL+Redis"] = (code, _counts(report))
        elif database_url and redis_url:
            results["PostgreSQL+Redis"] = run_pytest("postgresql", pg_env, args)

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
    if fuzzed is not None:
        print(f"schemathesis: exit {fuzzed} ({'no failures' if fuzzed == 0 else 'FAILED'})")
        worst = worst or fuzzed
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
