"""Real concurrency against the ledger: threads with their own database connections.

On PostgreSQL these race for row locks; on SQLite, IMMEDIATE transactions queue the writers.
Either way the ledger must stay exact and no error may leak as a 500."""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from inventory.models import StockMovement
from tests.conftest import bearer_client, make_user, token_for

from .stock_helpers import assert_ledger_matches_balances, location, on_hand, part, receive

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


def run_clients(count: int, job) -> list:
    barrier = threading.Barrier(count)

    def worker(index: int):
        try:
            barrier.wait()
            return job(index)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.fixture
def clerk_secrets():
    return [token_for(make_user(f"clerk{n}", "clerk")) for n in range(CLIENTS)]


def test_eight_clients_removing_one_each_never_oversell(clerk_secrets):
    shelf = location("A1")
    resistor = part("RES-1")
    receive(resistor, shelf, 500)

    def job(index: int) -> Counter:
        client = bearer_client(clerk_secrets[index])
        statuses = Counter()
        for _ in range(100):
            response = client.post(
                "/api/v1/stock/remove",
                {"ipn": "RES-1", "location": "A1", "quantity": 1},
                format="json",
            )
            statuses[response.status_code] += 1
        return statuses

    total = sum(run_clients(CLIENTS, job), Counter())
    assert total == {201: 500, 409: 300}, f"{connection.vendor}: {total}"
    assert on_hand(resistor) == 0
    assert StockMovement.objects.filter(operation="remove").count() == 500
    assert_ledger_matches_balances()


def test_mixed_adds_removes_and_moves_keep_the_invariants(clerk_secrets):
    shelves = [location("A1"), location("B1"), location("C1")]
    parts = [part("RES-1"), part("CAP-1")]
    for p in parts:
        receive(p, shelves[0], 50)

    def job(index: int) -> Counter:
        rng = random.Random(index)
        client = bearer_client(clerk_secrets[index])
        statuses = Counter()
        for _ in range(40):
            ipn = rng.choice(["RES-1", "CAP-1"])
            a, b = rng.sample(["A1", "B1", "C1"], 2)
            op, body = rng.choice(
                [
                    ("add", {"ipn": ipn, "location": a, "quantity": rng.randint(1, 5)}),
                    ("remove", {"ipn": ipn, "location": a, "quantity": rng.randint(1, 8)}),
                    (
                        "move",
                        {
                            "ipn": ipn,
                            "from_location": a,
                            "to_location": b,
                            "quantity": rng.randint(1, 8),
                        },
                    ),
                ]
            )
            response = client.post(f"/api/v1/stock/{op}", body, format="json")
            statuses[response.status_code] += 1
        return statuses

    total = sum(run_clients(CLIENTS, job), Counter())
    assert set(total) <= {201, 409}, total
    assert total[201] > 0
    assert_ledger_matches_balances()


def test_the_same_idempotency_key_sent_concurrently_writes_one_movement(clerk_secrets):
    shelf = location("A1")
    resistor = part("RES-1")
    receive(resistor, shelf, 10)
    secret = clerk_secrets[0]  # one client retrying: keys are per user

    def job(index: int):
        response = bearer_client(secret).post(
            "/api/v1/stock/remove",
            {"ipn": "RES-1", "location": "A1", "quantity": 3},
            format="json",
            HTTP_IDEMPOTENCY_KEY="retry-me",
        )
        return response.status_code, response.json()

    results = run_clients(CLIENTS, job)
    assert {status for status, _ in results} == {201}
    assert len({body["operation_id"] for _, body in results}) == 1
    assert StockMovement.objects.filter(operation="remove").count() == 1
    assert on_hand(resistor) == 7
