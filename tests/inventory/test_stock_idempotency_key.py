"""The ledger operations take an ``idempotency_key`` so that a Celery task run twice posts
once: the same mechanism (and records) as the API's Idempotency-Key header."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.core.actors import Actor
from config.core.errors import Conflict, Unprocessable
from config.core.models import IdempotencyRecord
from inventory.models import StockMovement
from inventory.stock import services as ledger

from .stock_helpers import SYSTEM, assert_ledger_matches_balances, location, on_hand, part, receive

pytestmark = pytest.mark.django_db

POLLER = Actor.system("sensors.poll")


def test_an_operation_run_twice_under_one_key_posts_once_and_returns_the_first_result():
    resistor, shelf = part(), location("A1")
    first = ledger.stock_add(
        actor=POLLER, part=resistor, location=shelf, quantity=5, idempotency_key="poll-1"
    )
    again = ledger.stock_add(
        actor=POLLER, part=resistor, location=shelf, quantity=5, idempotency_key="poll-1"
    )
    assert again.operation_id == first.operation_id
    assert [m.pk for m in again.movements] == [m.pk for m in first.movements]
    assert again.balances[0].quantity == 5
    assert StockMovement.objects.count() == 1
    assert on_hand(resistor) == 5
    assert IdempotencyRecord.objects.get().scope == "system:sensors.poll"


def test_the_same_key_with_other_arguments_is_refused():
    resistor, shelf = part(), location("A1")
    ledger.stock_add(actor=POLLER, part=resistor, location=shelf, quantity=5, idempotency_key="k")
    with pytest.raises(Unprocessable):
        ledger.stock_add(
            actor=POLLER, part=resistor, location=shelf, quantity=6, idempotency_key="k"
        )
    assert on_hand(resistor) == 5


def test_a_refusal_is_replayed_too_and_still_changes_nothing():
    resistor, shelf = part(), location("A1")
    receive(resistor, shelf, 2)
    pick = {"part": resistor, "location": shelf, "quantity": Decimal(3), "idempotency_key": "p"}
    with pytest.raises(Conflict):
        ledger.stock_remove(actor=POLLER, **pick)
    receive(resistor, shelf, 5)
    with pytest.raises(Conflict) as replayed:
        ledger.stock_remove(actor=POLLER, **pick)
    assert replayed.value.code == "insufficient_stock"
    assert on_hand(resistor) == 7
    assert_ledger_matches_balances()


def test_keys_of_different_jobs_do_not_collide():
    resistor, shelf = part(), location("A1")
    for job in ("sensors.poll", "distributors.sync"):
        ledger.stock_add(
            actor=Actor.system(job), part=resistor, location=shelf, quantity=1, idempotency_key="1"
        )
    assert on_hand(resistor) == 2


def test_a_batch_takes_a_key_too():
    resistor, shelf = part(), location("A1")
    lines = [ledger.LedgerLine(resistor, shelf, Decimal(4))]
    for _ in range(2):
        ledger.stock_post_batch(
            actor=SYSTEM, operation="sensor", lines=lines, idempotency_key="count-7"
        )
    assert on_hand(resistor) == 4


def test_a_replay_reads_the_result_back_in_two_queries_however_many_movements():
    resistor, shelves = part(), [location(f"S{i}") for i in range(6)]
    lines = [ledger.LedgerLine(resistor, shelf, Decimal(2)) for shelf in shelves]
    first = ledger.stock_post_batch(
        actor=SYSTEM, operation="sensor", lines=lines, idempotency_key="count-8"
    )
    with CaptureQueriesContext(connection) as captured:
        again = ledger.stock_post_batch(
            actor=SYSTEM, operation="sensor", lines=lines, idempotency_key="count-8"
        )
        part_types = [b.part.part_type.slug for b in again.balances]  # for the API's answer
    # The key's claim (refused) and its record, then the movements and their balances.
    reads = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    assert len(reads) == 3, reads
    assert [m.pk for m in again.movements] == [m.pk for m in first.movements]
    assert [(b.location.code, b.quantity) for b in again.balances] == [
        (shelf.code, 2) for shelf in shelves
    ]
    assert part_types == [resistor.part_type.slug] * 6
