"""Arrangements shared by the stock tests."""

from decimal import Decimal

from config.core.actors import Actor
from inventory.models import Part, StockBalance, StockMovement, StorageLocation
from tests.factories import PartFactory, StorageLocationFactory, stock

SYSTEM = Actor.system("tests")


def location(code: str, **settings) -> StorageLocation:
    return StorageLocationFactory(code=code, **settings)


def part(ipn: str = "RES-1", **fields):
    return PartFactory(ipn=ipn, **fields)


receive = stock  # the stock tests' word for it


def on_hand(part, where=None) -> Decimal:
    balances = StockBalance.objects.filter(part=part, status="on_hand")
    if where is not None:
        balances = balances.filter(location=where)
    return sum((b.quantity for b in balances), Decimal(0))


def assert_ledger_matches_balances() -> None:
    """The invariant of DESIGN.md: every balance is the sum of its movements, and no on-hand
    balance is negative."""
    sums: dict[tuple, Decimal] = {}
    for m in StockMovement.objects.all():
        key = (m.part_id, m.location_id, m.lot_id, m.status)
        sums[key] = sums.get(key, Decimal(0)) + m.quantity
    balances = {
        (b.part_id, b.location_id, b.lot_id, b.status): b.quantity
        for b in StockBalance.objects.all()
    }
    for key in set(sums) | set(balances):
        assert sums.get(key, Decimal(0)) == balances.get(key, Decimal(0)), key
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    # Each part's totals are the sums of its on-hand and ordered balances.
    for part_ in Part.objects.all():
        on_hand_sum = sum(
            (q for (p, _l, _t, st), q in balances.items() if p == part_.pk and st == "on_hand"),
            Decimal(0),
        )
        ordered_sum = sum(
            (q for (p, _l, _t, st), q in balances.items() if p == part_.pk and st == "ordered"),
            Decimal(0),
        )
        assert (part_.on_hand_total, part_.on_order_total) == (on_hand_sum, ordered_sum), part_.ipn
