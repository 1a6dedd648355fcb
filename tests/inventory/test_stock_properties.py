"""Property: whatever sequence of ledger operations runs, balances equal the ledger and no
on-hand balance goes negative; refused operations change nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.core.errors import ServiceError
from inventory.models import Lot, StockBalance, StockMovement
from inventory.stock import services as ledger

from .stock_helpers import SYSTEM, assert_ledger_matches_balances, location, part

LOCATIONS = ("A", "B")
LOTS = (None, "L1", "L2")
STATUSES = ("on_hand", "reserved")

quantities = st.integers(min_value=1, max_value=20).map(Decimal)
operations = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(LOCATIONS), st.sampled_from(LOTS), quantities),
    st.tuples(st.just("remove"), st.sampled_from(LOCATIONS), st.sampled_from(LOTS), quantities),
    st.tuples(st.just("move"), st.sampled_from(LOCATIONS), st.sampled_from(LOTS), quantities),
    st.tuples(
        st.just("adjust"),
        st.sampled_from(LOCATIONS),
        st.sampled_from(LOTS),
        st.integers(min_value=0, max_value=30).map(Decimal),
    ),
    st.tuples(st.just("reserve"), st.sampled_from(LOCATIONS), st.sampled_from(LOTS), quantities),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(operations, min_size=1, max_size=25))
def test_random_operation_sequences_keep_the_ledger_exact(steps):
    StockMovement.objects.all().delete()
    StockBalance.objects.all().delete()
    resistor = part("PROP-1")
    places = {code: location(code) for code in LOCATIONS}
    lots = {name: Lot.objects.create(name=name) for name in LOTS if name}
    try:
        for op, where, lot_name, quantity in steps:
            lot = lots.get(lot_name)
            other = places["B" if where == "A" else "A"]
            before = _snapshot()
            try:
                if op == "add":
                    ledger.stock_add(
                        actor=SYSTEM,
                        part=resistor,
                        location=places[where],
                        quantity=quantity,
                        lot=lot,
                    )
                elif op == "remove":
                    ledger.stock_remove(
                        actor=SYSTEM,
                        part=resistor,
                        location=places[where],
                        quantity=quantity,
                        lot=lot,
                    )
                elif op == "move":
                    ledger.stock_move(
                        actor=SYSTEM,
                        part=resistor,
                        from_location=places[where],
                        to_location=other,
                        quantity=quantity,
                        lot=lot,
                    )
                elif op == "adjust":
                    ledger.stock_adjust(
                        actor=SYSTEM,
                        part=resistor,
                        location=places[where],
                        counted=quantity,
                        lot=lot,
                    )
                else:
                    ledger.stock_change_status(
                        actor=SYSTEM,
                        part=resistor,
                        location=places[where],
                        quantity=quantity,
                        from_status="on_hand",
                        to_status="reserved",
                        lot=lot,
                    )
            except ServiceError:
                assert _snapshot() == before, f"a refused {op} changed stock"
            assert_ledger_matches_balances()
        # Raises CommandError on any violation of the ledger's invariants.
        call_command("check_ledger", stdout=StringIO(), stderr=StringIO())
    finally:
        StockMovement.objects.all().delete()
        StockBalance.objects.all().delete()
        Lot.objects.all().delete()
        for place in places.values():
            place.delete()
        resistor.delete()


def _snapshot():
    rows = StockBalance.objects.exclude(quantity=0).values_list(
        "location_id", "lot_id", "status", "quantity"
    )
    return sorted((loc, lot or 0, status, quantity) for loc, lot, status, quantity in rows)
