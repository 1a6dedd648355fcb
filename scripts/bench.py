"""`make bench`: the benchmarks of tests/benchmarks, on SQLite or on PostgreSQL.

    bench.py [--db sqlite|postgres] [pytest arguments]

SQLite (the default) uses var/bench.sqlite3, seeded once and reused. PostgreSQL gets a
throwaway server started as `make test` starts one (servers.py), but with durable commits as
in production; it is seeded at the start of every run, with progress output. The benchmarks
need no Redis: nothing they time uses the cache or the broker. Either way the figures are
printed and written to var/bench/results.json (compare two with scripts/bench_compare.py).
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from servers import postgres_server

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    options, pytest_args = parser.parse_known_args(argv)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/benchmarks",
        "-p",
        "no:cacheprovider",
        "-s",
        "-q",
        "-o",
        "addopts=",
        *pytest_args,
    ]
    if options.db == "sqlite":
        return subprocess.call(command, cwd=ROOT, env=env | {"BENCH_DB": "sqlite"})
    with postgres_server(durable=True) as url:
        if url is None:
            print(
                "make bench DB=postgres needs Debian's PostgreSQL server (initdb, pg_ctl and "
                "createdb, e.g. /usr/lib/postgresql/15/bin): apt-get install postgresql",
                file=sys.stderr,
            )
            return 2
        print(f"Started a throwaway PostgreSQL server: {url}", flush=True)
        return subprocess.call(
            command, cwd=ROOT, env=env | {"BENCH_DB": "postgres", "DATABASE_URL": url}
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
