"""Benchmarks against a large, persistent SQLite database (``make bench``).

The data (BENCH_PARTS parts, default 100,000; BENCH_MOVEMENTS movements, default 1,000,000)
is seeded once by ``manage.py seed_demo`` in a subprocess into ``var/bench.sqlite3`` and
reused while its sizes match (``var/bench.sqlite3.json``), instead of pytest-django's
throwaway test database, which would take minutes to fill on every run (pytest-django:
"Using an existing, external database for tests"). The write benchmarks add a few thousand
movements per run to that file; delete it to start over.

Each benchmark calls :func:`record`; the table of figures is printed at the end of the run.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from config.startup import settle

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = ROOT / "var" / "bench.sqlite3"
MARKER = BENCH_DB.with_name("bench.sqlite3.json")
PARTS = int(os.environ.get("BENCH_PARTS", "100000"))
MOVEMENTS = int(os.environ.get("BENCH_MOVEMENTS", "1000000"))
SEED = 1


@dataclass
class Result:
    name: str
    median_ms: float | None
    p95_ms: float | None
    queries: int | None
    target: str
    passed: bool
    note: str = ""


RESULTS: list[Result] = []


def record(result: Result) -> None:
    RESULTS.append(result)


def _manage(*args: str) -> None:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{BENCH_DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
    }
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wanted() -> dict:
    return {"parts": PARTS, "movements": MOVEMENTS, "seed": SEED}


def _prepare_database() -> None:
    seeded = BENCH_DB.exists() and MARKER.exists() and json.loads(MARKER.read_text()) == _wanted()
    if seeded:
        print(f"\nReusing {BENCH_DB} ({PARTS:,} parts, {MOVEMENTS:,} movements).")
        _manage("migrate", "--noinput", "-v0")
        return
    print(f"\nSeeding {BENCH_DB} with {PARTS:,} parts and {MOVEMENTS:,} movements (once)...")
    MARKER.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    _manage("migrate", "--noinput", "-v0")
    _manage("createcachetable")
    _manage("seed_demo", "--parts", str(PARTS), "--movements", str(MOVEMENTS), "--seed", str(SEED))
    MARKER.write_text(json.dumps(_wanted()))
    print(f"Seeded in {time.monotonic() - started:.0f}s.")


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Point the default database at the persistent benchmark file instead of creating a
    test database; every thread's connection reads these settings."""
    _prepare_database()
    for conn in connections.all():
        conn.close()
    connections.settings["default"]["NAME"] = str(BENCH_DB)
    connections.settings["default"].pop("TEST", None)
    # As config/wsgi.py does before a server takes requests, so that the figures are the
    # server's (the test client never imports wsgi.py).
    settle()
    with django_db_blocker.unblock():
        assert Path(connection.settings_dict["NAME"]) == BENCH_DB
        yield


@pytest.fixture(scope="session")
def bench_token(django_db_setup) -> str:
    """A real API token of an admin account on the benchmark database."""
    from accounts import services
    from config.core.actors import Actor
    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench", defaults={"role": Role.ADMIN})
    _token, secret = services.api_token_create(
        actor=Actor.system("benchmarks"), user=user, label=f"bench-{time.time_ns()}"
    )
    return secret


@pytest.fixture
def client_for(bench_token):
    from rest_framework.test import APIClient

    def make() -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bench_token}")
        return client

    return make


def measure(
    name: str,
    request: Callable[[int], object],
    *,
    runs: int = 100,
    target_ms: float,
    max_queries: int = 5,
    warmup: int = 5,
) -> Result:
    """Time ``request(i)`` (which must return a 2xx response) ``runs`` times; count the SQL
    queries of one more call separately (capturing queries slows a request down)."""
    for i in range(warmup):
        _check(name, request(i))
    times = []
    for i in range(runs):
        started = time.perf_counter()
        response = request(i)
        times.append((time.perf_counter() - started) * 1000)
        _check(name, response)
    with CaptureQueriesContext(connection) as captured:
        _check(name, request(runs))
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1]
    queries = len(captured)
    result = Result(
        name,
        median,
        p95,
        queries,
        f"median < {target_ms:g} ms, <= {max_queries} queries",
        median < target_ms and queries <= max_queries,
    )
    record(result)
    return result


def _check(name: str, response) -> None:
    assert 200 <= response.status_code < 300, (
        f"{name}: {response.status_code} {response.content[:300]!r}"
    )


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write(f"Benchmarks on {BENCH_DB.name}: {PARTS:,} parts, {MOVEMENTS:,} seeded movements")
    header = (
        f"{'benchmark':<44} {'median ms':>10} {'p95 ms':>9} {'queries':>8}  {'target':<34} result"
    )
    write(header)
    write("-" * len(header))
    for r in RESULTS:
        median = "-" if r.median_ms is None else f"{r.median_ms:.1f}"
        p95 = "-" if r.p95_ms is None else f"{r.p95_ms:.1f}"
        queries = "-" if r.queries is None else str(r.queries)
        verdict = "PASS" if r.passed else "MISS"
        line = f"{r.name:<44} {median:>10} {p95:>9} {queries:>8}  {r.target:<34} {verdict}"
        write(line + (f"  ({r.note})" if r.note else ""))
