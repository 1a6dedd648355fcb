"""Benchmarks against a large, persistent database (``make bench``; scripts/bench.py).

The data (BENCH_PARTS parts, default 100,000; BENCH_MOVEMENTS movements, default 1,000,000)
is seeded by ``manage.py seed_demo`` (tests/benchmarks/seeding) in a subprocess, instead of
pytest-django's throwaway test database, which would take minutes to fill on every run
(pytest-django: "Using an existing, external database for tests").

- SQLite (``BENCH_DB=sqlite``, the default): ``var/bench.sqlite3`` at the default sizes,
  ``var/bench-<parts>-<movements>.sqlite3`` at others, seeded once and reused while its sizes
  match (the ``.json`` file beside it). The write benchmarks add a few thousand movements per
  run; delete the file to start over.
- PostgreSQL (``BENCH_DB=postgres``): the database of ``DATABASE_URL``, a throwaway server
  that scripts/bench.py starts; seeded unless it already holds this seed (its changelog says).

Each benchmark calls :func:`record`. At the end the figures are printed as a table and written
to ``var/bench/results.json`` (and a dated copy beside it) for scripts/bench_compare.py.
"""

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from config.startup import settle

ROOT = Path(__file__).resolve().parents[2]
PARTS = int(os.environ.get("BENCH_PARTS", "100000"))
MOVEMENTS = int(os.environ.get("BENCH_MOVEMENTS", "1000000"))
SEED = 1
VENDOR = os.environ.get("BENCH_DB", "sqlite")
ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgres": "django.db.backends.postgresql"}
SCALED = (PARTS, MOVEMENTS) != (100_000, 1_000_000)
BENCH_DB = ROOT / "var" / (f"bench-{PARTS}-{MOVEMENTS}.sqlite3" if SCALED else "bench.sqlite3")
MARKER = BENCH_DB.with_name(f"{BENCH_DB.name}.json")
RESULTS_DIR = ROOT / "var" / "bench"


@dataclass
class Result:
    name: str
    median_ms: float | None
    p95_ms: float | None
    queries: int | None
    target: str
    passed: bool
    note: str = ""
    rate_per_s: float | None = None  # throughput benchmarks: requests per second


RESULTS: list[Result] = []
RUN: dict = {}  # what the figures were measured on: filled in by django_db_setup


def record(result: Result) -> None:
    RESULTS.append(result)


def _manage(*args: str) -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
    }
    if VENDOR == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{BENCH_DB}"
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wanted() -> dict:
    return {"parts": PARTS, "movements": MOVEMENTS, "seed": SEED}


def _seed() -> None:
    started = time.monotonic()
    _manage("migrate", "--noinput", "-v0")  # creates the cache table too
    _manage("seed_demo", "--parts", str(PARTS), "--movements", str(MOVEMENTS), "--seed", str(SEED))
    print(f"Seeded in {time.monotonic() - started:.0f}s.")


def _prepare_sqlite() -> None:
    seeded = BENCH_DB.exists() and MARKER.exists() and json.loads(MARKER.read_text()) == _wanted()
    if seeded:
        print(f"\nReusing {BENCH_DB} ({PARTS:,} parts, {MOVEMENTS:,} movements).")
        _manage("migrate", "--noinput", "-v0")
        return
    print(f"\nSeeding {BENCH_DB} with {PARTS:,} parts and {MOVEMENTS:,} movements (once)...")
    MARKER.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    _seed()
    MARKER.write_text(json.dumps(_wanted()))


def _holds_this_seed() -> bool:
    """Whether the database already holds this seed: seed_demo's closing changelog entry."""
    from config.core.models import ChangelogEntry

    entry = (
        ChangelogEntry.objects.filter(
            entity_type="stock_history", entity_key__startswith=f"seed-{SEED}-"
        )
        .order_by("-id")
        .first()
    )
    changes = entry.changes if entry else {}
    return changes.get("parts") == [None, PARTS] and changes.get("movements") == [None, MOVEMENTS]


def _prepare_postgres(django_db_blocker) -> None:
    settings = connections.settings["default"]
    where = f"{settings['NAME']} on {settings['HOST']}:{settings['PORT']}"
    _manage("migrate", "--noinput", "-v0")
    with django_db_blocker.unblock():
        seeded = _holds_this_seed()
    connections.close_all()
    if seeded:
        print(f"\nReusing {where} ({PARTS:,} parts, {MOVEMENTS:,} movements).")
        return
    print(f"\nSeeding {where} with {PARTS:,} parts and {MOVEMENTS:,} movements...")
    _seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Point the default database at the benchmark database instead of creating a test
    database; every thread's connection reads these settings."""
    engine = connections.settings["default"]["ENGINE"]
    if VENDOR not in ENGINES or engine != ENGINES[VENDOR]:
        pytest.exit(
            f"BENCH_DB={VENDOR!r} with a {engine} DATABASE_URL: run the benchmarks with "
            "`make bench` (SQLite) or `make bench DB=postgres`.",
            returncode=2,
        )
    connections.settings["default"].pop("TEST", None)
    if VENDOR == "sqlite":
        _prepare_sqlite()
        connections.close_all()
        connections.settings["default"]["NAME"] = str(BENCH_DB)
    else:
        _prepare_postgres(django_db_blocker)
    # As config/wsgi.py does before a server takes requests, so that the figures are the
    # server's (the test client never imports wsgi.py).
    settle()
    with django_db_blocker.unblock():
        if VENDOR == "sqlite":
            assert Path(connection.settings_dict["NAME"]) == BENCH_DB
        RUN.update(_describe_run())
        yield


def _describe_run() -> dict:
    from inventory.models import Part, StockMovement

    return {
        "database": {
            "vendor": connection.vendor,
            "version": ".".join(map(str, connection.get_database_version())),
        },
        "data": {"parts": Part.objects.count(), "movements": StockMovement.objects.count()},
        "seed": _wanted(),
    }


@pytest.fixture(scope="session")
def bench_token(django_db_setup) -> str:
    """A real API token of an admin account on the benchmark database."""
    from accounts import services
    from accounts.models import Role, User
    from config.core.actors import Actor

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


@dataclass
class Sample:
    ipns: list[tuple[str, str]]  # (ptype, ipn) of random parts
    busy: list[tuple[str, str]]  # parts with the longest histories
    stocked: list[tuple[str, str]]  # parts with balances
    mpn_prefixes: list[str]
    pages: dict[str, int]  # pages of 100 per part type
    locations: list[int]  # the fullest locations
    location_codes: list[str]  # the same, by code
    since: str


@pytest.fixture(scope="session")
def sample(django_db_setup) -> Sample:
    """Keys to request, drawn from the benchmark database once per run."""
    from config.core.models import ChangelogEntry
    from inventory.models import Part, StorageLocation

    rng = random.Random(7)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.slug, p.ipn, p.mpn FROM inventory_part p "
            "JOIN inventory_parttype t ON t.id = p.part_type_id ORDER BY random() LIMIT 2000"
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT part_id FROM inventory_stockmovement GROUP BY part_id "
            "ORDER BY count(*) DESC LIMIT 50"
        )
        busy_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT part_id FROM (SELECT DISTINCT part_id FROM inventory_stockbalance) AS stocked "
            "ORDER BY random() LIMIT 200"
        )
        stocked_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT location_id FROM inventory_stockbalance GROUP BY location_id "
            "ORDER BY count(*) DESC LIMIT 20"
        )
        locations = [row[0] for row in cursor.fetchall()]
    locations = locations or list(StorageLocation.objects.values_list("pk", flat=True)[:5])
    codes = dict(StorageLocation.objects.filter(pk__in=locations).values_list("pk", "code"))

    def keys(ids):
        return list(
            Part.objects.filter(pk__in=ids).values_list("part_type__slug", "ipn").order_by("pk")
        )

    newest = ChangelogEntry.objects.order_by("-id").values_list("at", flat=True).first()
    since = (newest - timedelta(minutes=5)).isoformat() if newest else "0"
    return Sample(
        ipns=[(slug, ipn) for slug, ipn, _mpn in rows],
        busy=keys(busy_ids),
        stocked=keys(stocked_ids),
        mpn_prefixes=[mpn[: rng.randint(5, 10)] for _slug, _ipn, mpn in rows[:200] if mpn],
        locations=locations,
        location_codes=[codes[pk] for pk in locations],
        pages={
            slug: max(1, min(20, count // 100))
            for slug, count in Part.objects.values_list("part_type__slug")
            .annotate(count=Count("pk"))
            .order_by()
        },
        since=since,
    )


def measure(
    name: str,
    request: Callable[[int], object],
    *,
    runs: int = 100,
    target_ms: float,
    max_queries: int | None = 5,
    warmup: int = 5,
) -> Result:
    """Time ``request(i)`` (which must return a 2xx response) ``runs`` times; count the SQL
    queries of one more call separately (capturing queries slows a request down).
    ``max_queries=None``: the query count is recorded but has no target."""
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
    target = f"median < {target_ms:g} ms"
    passed = median < target_ms
    if max_queries is not None:
        target += f", <= {max_queries} queries"
        passed = passed and queries <= max_queries
    result = Result(name, median, p95, queries, target, passed)
    record(result)
    return result


def _check(name: str, response) -> None:
    assert 200 <= response.status_code < 300, (
        f"{name}: {response.status_code} {response.content[:300]!r}"
    )


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _results_document(args: list[str]) -> dict:
    """The run's figures for programs: one record per figure, each with what it was measured
    on, so that records from several files can be put side by side."""
    database = RUN.get("database", {})
    data = RUN.get("data", {})
    figures = [
        {
            "name": r.name,
            "unit": "ms",
            "median": None if r.median_ms is None else round(r.median_ms, 3),
            "p95": None if r.p95_ms is None else round(r.p95_ms, 3),
            "queries": r.queries,
            "rate_per_s": None if r.rate_per_s is None else round(r.rate_per_s, 1),
            "target": r.target,
            "passed": r.passed,
            "note": r.note,
            "data": data,
            "database": database,
        }
        for r in RESULTS
    ]
    return {
        "run": {
            "commit": _git("rev-parse", "HEAD"),
            "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "data": data,
            "seed": RUN.get("seed", _wanted()),
            "python": platform.python_version(),
            "django": django.get_version(),
            "cpus": os.cpu_count(),
            "args": args,
        },
        "figures": figures,
    }


def _write_results(document: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=2) + "\n"
    latest = RESULTS_DIR / "results.json"
    latest.write_text(text)
    stamp = document["run"]["timestamp"].replace(":", "").replace("-", "")[:15]
    vendor = document["run"]["database"].get("vendor", "unknown")
    (RESULTS_DIR / f"results-{stamp}-{vendor}.json").write_text(text)
    return latest


def pytest_terminal_summary(terminalreporter, config):
    if not RESULTS:
        return
    write = terminalreporter.write_line
    database = RUN.get("database", {})
    data = RUN.get("data", {})
    where = f"{database.get('vendor', '?')} {database.get('version', '')}".strip()
    if VENDOR == "sqlite":
        where += f" ({BENCH_DB.name})"
    write("")
    write(
        f"Benchmarks on {where}: {data.get('parts', 0):,} parts, "
        f"{data.get('movements', 0):,} movements"
    )
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
    path = _write_results(_results_document(list(config.invocation_params.args)))
    write(f"Figures written to {path.relative_to(ROOT)}")


@pytest.fixture(autouse=True, scope="session")
def _api_answers_match_the_schema():
    """The suite checks every API answer against the OpenAPI schema (tests/conftest.py); the
    benchmarks must time the server, not that check."""
    yield
