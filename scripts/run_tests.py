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


def main(args: list[str]) -> int:
    VAR.mkdir(exist_ok=True)
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    results = {}
    results["SQLite"] = run_pytest("sqlite", base_env, args)
    # The live API against its own OpenAPI schema, once, on SQLite (about three minutes); not
    # when ARGS picks some tests.
    fuzzed = None
    if not args:
        print("\n=== schemathesis: scripts/schemathesis_run.py", flush=True)
        command = [sys.executable, "scripts/schemathesis_run.py", "--max-examples=5", "--workers=2"]
        fuzzed = subprocess.call(command, cwd=ROOT, env=base_env)

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
    if fuzzed is not None:
        print(f"schemathesis: exit {fuzzed} ({'no failures' if fuzzed == 0 else 'FAILED'})")
        worst = worst or fuzzed
    print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
