"""Write throughput of ``POST /api/v1/stock/remove`` (one unit at a time, from on-hand
balances that can afford it) from one client and from four concurrent clients, each a
thread with its own database connection. SQLite runs writers one at a time (IMMEDIATE
transactions), so four clients measure queueing, not parallelism."""

import statistics
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.core.actors import Actor
from inventory.models import StockBalance, StockMovement
from inventory.stock.services import LedgerLine, stock_post_batch

from .conftest import Result, record

WRITES_PER_SECOND = 150
BATCH_MOVEMENTS_PER_SECOND = 5000
BATCH_LINES = 2000
OPERATION_MS = 10


@pytest.fixture(scope="module")
def picks(django_db_setup) -> list[dict]:
    """Bodies of remove requests on on-hand balances without a lot and with plenty of stock."""
    rows = (
        StockBalance.objects.filter(status="on_hand", lot__isnull=True, quantity__gte=200)
        .values_list("part__ipn", "location__code")
        .order_by("?")[:500]
    )
    bodies = [{"ipn": ipn, "location": code, "quantity": "1"} for ipn, code in rows]
    assert bodies, "no on-hand balances with stock to pick from"
    return bodies


def _remove_many(client, bodies, count, offset, times, errors):
    for i in range(count):
        body = bodies[(offset + i) % len(bodies)]
        started = time.perf_counter()
        response = client.post("/api/v1/stock/remove", body, format="json")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201:  # a pick that wrote movements
            errors.append(f"{response.status_code} {response.content[:200]!r}")


def _rate_result(name, count, elapsed, times, queries, errors) -> Result:
    rate = count / elapsed
    return Result(
        name,
        statistics.median(times),
        statistics.quantiles(times, n=20)[-1],
        queries,
        f">= {WRITES_PER_SECOND} writes/s (no query target)",
        rate >= WRITES_PER_SECOND and not errors,
        f"{rate:,.0f} writes/s" + (f", {len(errors)} errors: {errors[0]}" if errors else ""),
        rate_per_s=rate,
    )


def test_remove_rate_one_client(client_for, picks):
    client = client_for()
    _remove_many(client, picks, 5, 0, [], [])  # warm up
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/stock/remove", picks[-1], format="json")
    queries = len(captured)  # now: the next request resets the connection's query log
    assert response.status_code == 201, response.content[:300]
    times, errors, count = [], [], 300
    started = time.perf_counter()
    _remove_many(client, picks, count, 5, times, errors)
    elapsed = time.perf_counter() - started
    result = _rate_result("stock/remove, 1 client", count, elapsed, times, queries, errors)
    record(result)
    assert not errors, errors[:3]


def test_remove_rate_four_concurrent_clients(client_for, picks):
    from django.db import connections

    per_client, clients = 100, 4
    times: list[float] = []
    errors: list[str] = []

    def work(index: int) -> None:
        try:
            _remove_many(client_for(), picks, per_client, 100 * index, times, errors)
        finally:
            connections.close_all()  # this thread's connections

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    record(
        _rate_result(
            "stock/remove, 4 concurrent clients", per_client * clients, elapsed, times, None, errors
        )
    )
    assert not errors, errors[:3]


def test_one_operation_through_the_ledger_service(django_db_setup, picks):
    """stock_remove called directly, as a sensor poll or a production step calls it: the
    operation itself (its transaction, locks, movement, totals and changelog entry), without
    the HTTP request around it (authentication, the body, the key lookups, the response),
    which the figures above include."""
    from inventory.models import Part, StorageLocation
    from inventory.stock.services import stock_remove

    keys = [(body["ipn"], body["location"]) for body in picks]
    parts = Part.objects.in_bulk([ipn for ipn, _ in keys], field_name="ipn")
    places = StorageLocation.objects.in_bulk([code for _, code in keys], field_name="code")
    lines = [(parts[ipn], places[code]) for ipn, code in keys]
    actor = Actor.system("bench")

    def remove(i: int) -> None:
        part, location = lines[i % len(lines)]
        stock_remove(actor=actor, part=part, location=location, quantity=Decimal(1))

    for i in range(5):
        remove(i)
    times = []
    for i in range(5, 305):
        started = time.perf_counter()
        remove(i)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        remove(305)
    median = statistics.median(times)
    record(
        Result(
            "stock_remove (the service), 1 caller",
            median,
            statistics.quantiles(times, n=20)[-1],
            len(captured),
            f"median < {OPERATION_MS} ms",
            median < OPERATION_MS,
        )
    )


def test_batch_ledger_service_rate(django_db_setup):
    """stock_post_batch, as sensor polls and production steps call it: batches of
    BATCH_LINES movements (+1 then -1 on existing on-hand balances, so the data stays as it
    was), each batch one transaction."""
    balances = list(
        StockBalance.objects.filter(status="on_hand", lot__isnull=True, quantity__gte=10)
        .select_related("part", "location")
        .order_by("?")[:BATCH_LINES]
    )
    assert balances, "no on-hand balances to post to"
    actor = Actor.system("bench")
    times, batches = [], 6
    with CaptureQueriesContext(connection) as captured:
        for n in range(batches):
            delta = 1 if n % 2 == 0 else -1
            lines = [LedgerLine(b.part, b.location, delta) for b in balances]
            started = time.perf_counter()
            stock_post_batch(actor=actor, operation=StockMovement.Operation.SENSOR, lines=lines)
            times.append((time.perf_counter() - started) * 1000)
    per_batch = len(captured) // batches
    rate = len(balances) * batches / (sum(times) / 1000)
    record(
        Result(
            f"batch ledger service, {len(balances):,} movements a batch",
            statistics.median(times),
            max(times),
            per_batch,
            f">= {BATCH_MOVEMENTS_PER_SECOND:,} movements/s",
            rate >= BATCH_MOVEMENTS_PER_SECOND,
            f"{rate:,.0f} movements/s",
            rate_per_s=rate,
        )
    )
