"""The batch ledger service: many signed movements in one transaction, for sensors,
production and receipts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.core.errors import Conflict, ValidationFailed
from config.core.models import ChangelogEntry
from inventory.models import Part, StockBalance, StockMovement
from inventory.stock.services import LedgerLine, stock_post_batch

from .stock_helpers import SYSTEM, assert_ledger_matches_balances, location, on_hand, part, receive

pytestmark = pytest.mark.django_db


def test_a_batch_posts_every_line_in_order_with_one_changelog_entry():
    resistor, capacitor = part("RES-1"), part("CAP-1")
    shelf, bin_ = location("A1"), location("B1")
    receive(resistor, shelf, 10)
    entries_before = ChangelogEntry.objects.count()
    result = stock_post_batch(
        actor=SYSTEM,
        operation=StockMovement.Operation.SENSOR,
        source="sensor:SN-1",
        lines=[
            LedgerLine(resistor, shelf, Decimal(-4)),
            LedgerLine(capacitor, bin_, Decimal(7)),
            LedgerLine(resistor, bin_, Decimal(4)),
        ],
    )
    assert [m.quantity for m in result.movements] == [-4, 7, 4]
    assert all(m.pk for m in result.movements)
    assert len({m.operation_id for m in result.movements}) == 1
    assert (on_hand(resistor, shelf), on_hand(resistor, bin_), on_hand(capacitor)) == (6, 4, 7)
    assert ChangelogEntry.objects.count() == entries_before + 1
    resistor.refresh_from_db()
    assert resistor.on_hand_total == 10
    assert Part.objects.get(ipn="CAP-1").on_hand_total == 7
    assert_ledger_matches_balances()


def test_a_batch_that_would_take_more_than_there_is_writes_nothing():
    resistor, shelf = part(), location("A1")
    receive(resistor, shelf, 3)
    movements, balances = StockMovement.objects.count(), list(StockBalance.objects.values())
    with pytest.raises(Conflict) as refused:
        stock_post_batch(
            actor=SYSTEM,
            operation=StockMovement.Operation.PRODUCTION,
            lines=[LedgerLine(resistor, shelf, Decimal(2)), LedgerLine(resistor, shelf, -6)],
        )
    assert refused.value.code == "insufficient_stock"
    assert StockMovement.objects.count() == movements
    assert list(StockBalance.objects.values()) == balances


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal("0.5"), Decimal("1E+20"), "1e3"])
def test_a_batch_line_breaking_the_quantity_rule_is_refused(quantity):
    resistor, shelf = part(), location("A1")
    with pytest.raises(ValidationFailed):
        stock_post_batch(
            actor=SYSTEM,
            operation=StockMovement.Operation.SENSOR,
            lines=[LedgerLine(resistor, shelf, Decimal(1)), LedgerLine(resistor, shelf, quantity)],
        )
    assert not StockMovement.objects.exists()


def test_a_batch_obeys_the_storage_settings():
    resistor, full = part(), location("F1", is_full=True)
    with pytest.raises(Conflict, match="marked full"):
        stock_post_batch(
            actor=SYSTEM,
            operation=StockMovement.Operation.SENSOR,
            lines=[LedgerLine(resistor, full, Decimal(1))],
        )


def _queries_for(lines_count: int, parts: list, shelves: list) -> int:
    lines = [
        LedgerLine(parts[i % len(parts)], shelves[i % len(shelves)], Decimal(1))
        for i in range(lines_count)
    ]
    with CaptureQueriesContext(connection) as queries:
        stock_post_batch(actor=SYSTEM, operation=StockMovement.Operation.SENSOR, lines=lines)
    return len(queries)


def test_a_batch_costs_the_same_queries_for_ten_lines_or_five_hundred():
    parts = [part("RES-1"), part("RES-2")]
    small = [location(f"S{i}") for i in range(10)]
    large = [location(f"L{i}") for i in range(250)]
    # Both create their balances, so both take the same path.
    few, many = _queries_for(10, parts, small), _queries_for(500, parts, large)
    if connection.vendor == "sqlite":
        # SQLite caps a statement's parameters (999), so Django splits each bulk statement
        # into chunks of rows: still nowhere near a statement per line.
        assert many <= few + 500 // 50
    else:
        assert many == few
