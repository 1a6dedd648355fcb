"""Backdated stock movements for ``seed_demo``, written through the one bulk path into the
ledger (:class:`~inventory.services.seeding.BackdatedLedger`)."""

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from config.core.actors import Actor
from inventory.models import StockMovement, StockStatus
from inventory.services.seeding import BackdatedLedger

from .progress import Progress, Write

Operation = StockMovement.Operation
ON_HAND = StockStatus.ON_HAND
RESERVED, ALLOCATED, ORDERED = StockStatus.RESERVED, StockStatus.ALLOCATED, StockStatus.ORDERED


def seed_group(ledger: BackdatedLedger, rng: random.Random, base: tuple, n: int, start, span):
    """``n`` movements of one (part, location, lot) in time order: receipts, picks, counts,
    sensor counts, orders arriving, reservations, allocations and production use. Every
    quantity is decided from what the balance holds at that moment, so no balance of any
    status ever goes below zero."""
    part_id, location_id, lot_id = base
    keys = {s: (part_id, location_id, lot_id, s) for s in (ON_HAND, RESERVED, ALLOCATED, ORDERED)}
    totals = ledger.totals
    times = sorted(rng.random() for _ in range(n))
    scale = rng.choice([10, 50, 100, 500, 1000, 5000])
    sensor = f"sensor:WS-{rng.randint(1000, 9999)}"
    done = 0
    while done < n:
        at = start + timedelta(seconds=times[done] * span)
        pair = n - done >= 2
        have = {s: int(totals.get(k, 0)) for s, k in keys.items()}
        roll = rng.random()
        if have[ON_HAND] == 0 and (have[ORDERED] == 0 or not pair):
            if pair and roll < 0.2:
                ledger.add(keys[ORDERED], scale, at, source="order:PO-SEED", comment="Ordered")
            else:
                price = Decimal(rng.randint(1, 5000)) / 1000
                ledger.add(
                    keys[ON_HAND],
                    rng.randint(1, 3) * scale,
                    at,
                    unit_price=price,
                    currency="EUR",
                    source="receipt:PO-SEED",
                )
            done += 1
        elif roll < 0.40 and have[ON_HAND]:
            ledger.remove(keys[ON_HAND], rng.randint(1, have[ON_HAND]), at, comment="Picked")
            done += 1
        elif roll < 0.50:
            ledger.add(keys[ON_HAND], rng.randint(1, 3) * scale, at, source="receipt:PO-SEED")
            done += 1
        elif roll < 0.62 and have[ON_HAND]:
            delta = rng.randint(-min(5, have[ON_HAND]), 5) or 1
            operation = Operation.SENSOR if roll < 0.57 else Operation.ADJUST
            ledger.leg(
                ledger.new_id(),
                operation,
                keys[ON_HAND],
                delta,
                at,
                source=sensor if operation == Operation.SENSOR else "",
            )
            done += 1
        elif roll < 0.72 and pair and have[ON_HAND]:
            quantity = rng.randint(1, have[ON_HAND])
            ledger.transfer(Operation.STATUS, keys[ON_HAND], keys[RESERVED], quantity, at)
            done += 2
        elif roll < 0.80 and pair and have[RESERVED]:
            target = ALLOCATED if roll < 0.77 else ON_HAND
            ledger.transfer(Operation.STATUS, keys[RESERVED], keys[target], have[RESERVED], at)
            done += 2
        elif roll < 0.88 and have[ALLOCATED]:
            ledger.leg(
                ledger.new_id(),
                Operation.PRODUCTION,
                keys[ALLOCATED],
                -have[ALLOCATED],
                at,
                source="order:WO-SEED",
            )
            done += 1
        elif roll < 0.94 and pair and have[ORDERED]:
            ledger.transfer(
                Operation.STATUS,
                keys[ORDERED],
                keys[ON_HAND],
                have[ORDERED],
                at,
                source="receipt:PO-SEED",
            )
            done += 2
        else:
            ledger.add(keys[ON_HAND], rng.randint(1, 3) * scale, at, source="receipt:PO-SEED")
            done += 1


def seed_movements(
    *,
    actor: Actor,
    part_ids: Sequence[int],
    location_ids: Sequence[int],
    lot_ids: Sequence[int],
    count: int,
    rng: random.Random,
    now: datetime,
    days: int = 365,
    chunk_size: int = 50_000,
    write: Write | None = None,
) -> BackdatedLedger:
    """``count`` backdated movements over the last ``days``, in groups of one (part,
    location, lot) each, committed with their balances every ``chunk_size`` movements so the
    database is consistent at every commit. Most groups are short; one in a hundred is a
    busy part with hundreds of movements (long histories)."""
    ledger = BackdatedLedger(actor, rng=rng)
    progress = Progress("movements", count, write)
    start, span = now - timedelta(days=days), days * 86400.0
    used: set[tuple] = set()
    remaining = count
    while remaining > 0:
        n = rng.randint(100, 400) if rng.random() < 0.01 else rng.randint(2, 14)
        n = min(n, remaining)
        while True:
            lot_id = rng.choice(lot_ids) if lot_ids and rng.random() < 0.3 else None
            base = (rng.choice(part_ids), rng.choice(location_ids), lot_id)
            if base not in used:
                used.add(base)
                break
        seed_group(ledger, rng, base, n, start, span)
        remaining -= n
        if ledger.pending >= chunk_size or remaining <= 0:
            pending = ledger.pending
            with transaction.atomic():
                ledger.flush()
            progress.advance(pending)
    progress.finish()
    return ledger
