"""Many movements in one transaction: the entry point for sensor counts, production steps and
distributor receipts, which post dozens to thousands of movements at once. One lock pass over
every balance the batch touches (in the global order), one insert for new balances, one update
for the changed ones, one insert for the movements, one changelog entry."""

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from inventory.models import Lot, Part, StockBalance, StorageLocation
from inventory.stock.services.ledger import (
    ON_HAND,
    Context,
    LedgerResult,
    check_location_accepts,
    close,
    idempotent,
    post,
    validate_quantity,
)

MAX_LINES = 10_000

# _lock_existing's statement. The ORDER BY is the global lock order; PostgreSQL takes the row
# locks in it (LockRows above the sort). The part ids again in WHERE: the planner does not
# expect a few thousand index probes from the array join and would read the whole table.
LOCK_POSTGRESQL = """
SELECT b.id, b.part_id, b.location_id, b.lot_id, b.status, b.quantity
FROM inventory_stockbalance b
JOIN unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::varchar[])
    AS k(part_id, location_id, lot_id, status)
    ON b.part_id = k.part_id AND b.location_id = k.location_id
    AND b.lot_id IS NOT DISTINCT FROM k.lot_id AND b.status = k.status
WHERE b.part_id = ANY(%s::bigint[])
ORDER BY b.part_id, b.location_id, b.lot_id, b.status
FOR UPDATE OF b
"""
# SQLite keeps a NUMERIC that is not whole as a REAL: read as its text, it is the number
# SQLite holds, without a float's binary digits.
LOCK_SQLITE = """
SELECT b.id, b.part_id, b.location_id, b.lot_id, b.status, CAST(b.quantity AS TEXT)
FROM json_each(%s) k
JOIN inventory_stockbalance b
    ON b.part_id = json_extract(k.value, '$[0]')
    AND b.location_id = json_extract(k.value, '$[1]')
    AND b.lot_id IS json_extract(k.value, '$[2]')
    AND b.status = json_extract(k.value, '$[3]')
ORDER BY b.part_id, b.location_id, b.lot_id, b.status
"""


@dataclass(frozen=True)
class LedgerLine:
    """One signed change of one balance: positive adds, negative takes."""

    part: Part
    location: StorageLocation
    quantity: Decimal
    lot: Lot | None = None
    status: str = ON_HAND


def _key(part_id: int, location_id: int, lot_id: int | None, status: str) -> tuple:
    return (part_id, location_id, lot_id, status)


def _lock_order(key: tuple) -> tuple:
    # The global lock order (part, location, lot, status), with the lot as PostgreSQL sorts
    # it in ``ORDER BY lot_id``: NULL last.
    part_id, location_id, lot_id, status = key
    return (part_id, location_id, lot_id is None, lot_id or 0, status)


def _lock_existing(keys: Sequence[tuple]) -> dict[tuple, tuple[int, Decimal]]:
    """Lock the balances of exactly these keys, in the global order, and read their ids and
    quantities: ``{key: (id, quantity)}``; missing keys are left out.

    The one SQL statement of the batch written by hand, because the ORM cannot say "these
    (part, location, lot, status) pairs" for thousands of keys: a ``Q`` per key is a
    statement as long as the batch that takes longer to build than to run, and
    ``part__in`` + ``location__in`` locks every balance of the parts at every location of
    the batch (three times the rows on the benchmark's data, each lock a write), which
    also blocks writers the batch never meant to touch. The keys go in as arrays
    (PostgreSQL) or one JSON array (SQLite, whose IMMEDIATE transactions already run
    writers one at a time, so it only reads)."""
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*keys, strict=True)]
        sql, params = LOCK_POSTGRESQL, [*columns, sorted(set(columns[0]))]
    else:
        sql, params = LOCK_SQLITE, [json.dumps(keys)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (part_id, location_id, lot_id, status): (pk, Decimal(quantity))
        for pk, part_id, location_id, lot_id, status, quantity in rows
    }


def _lock_balances(lines: Sequence[LedgerLine], keys: list[tuple], at) -> dict[tuple, StockBalance]:
    """The balance of every key the lines touch, locked in the global order; missing ones
    created at zero (a concurrent creator makes this wait for its lock instead)."""
    first_line = dict(zip(keys, lines, strict=True))  # the first line of each key wins
    wanted = sorted(first_line, key=_lock_order)
    found = _lock_existing(wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        # Created at zero; a key another writer creates meanwhile is skipped (its insert
        # waits for that writer) and then locked like the rest.
        StockBalance.objects.bulk_create(
            [
                StockBalance(
                    part_id=key[0],
                    location_id=key[1],
                    lot_id=key[2],
                    status=key[3],
                    quantity=Decimal(0),
                    updated_at=at,
                )
                for key in missing
            ],
            ignore_conflicts=True,
        )
        found.update(_lock_existing(missing))
    balances = {}
    for key in wanted:
        line = first_line[key]
        pk, quantity = found[key]
        balances[key] = StockBalance(
            pk=pk,
            part=line.part,
            location=line.location,
            lot=line.lot,
            status=line.status,
            quantity=quantity,
            updated_at=at,
        )
    return balances


def _write_balances(ctx: Context) -> None:
    """Save the balances the batch moved, as increments of what each row holds (the rows
    are locked, so an increment and the new value are the same thing): one UPDATE per
    distinct change rather than per row, which Django's bulk_update would build as a CASE
    over every row."""
    by_delta: dict[Decimal, list[int]] = defaultdict(list)
    for balance_id, delta in ctx.balance_deltas.items():
        if delta:
            by_delta[delta].append(balance_id)
    for delta, balance_ids in by_delta.items():
        StockBalance.objects.filter(pk__in=sorted(balance_ids)).update(
            quantity=F("quantity") + delta, updated_at=ctx.at
        )


@idempotent
def stock_post_batch(
    *,
    actor: Actor,
    operation: str,
    lines: Sequence[LedgerLine],
    source: str = "",
    comment: str = "",
) -> LedgerResult:
    """Post many signed movements as one operation (``operation`` is one of
    StockMovement.Operation: sensor, production, ...), all or nothing. Every quantity obeys
    the quantity rule, an on-hand balance never goes below zero, and stock brought into a
    location obeys its storage settings, exactly as for the single operations. Returns the
    movements in the order of ``lines``."""
    if not lines:
        raise ValidationFailed("A batch needs at least one line.", errors={"lines": ["Empty."]})
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            f"A batch holds at most {MAX_LINES} lines.", errors={"lines": ["Too many."]}
        )
    quantities = [
        validate_quantity(line.part, line.quantity, allow_negative=True) for line in lines
    ]
    ctx = Context(operation, actor, comment, source)
    keys = [
        _key(line.part.pk, line.location.pk, line.lot and line.lot.pk, line.status)
        for line in lines
    ]
    with transaction.atomic():
        # Storage settings once per place stock comes into, not once per line.
        arriving = {
            (line.part.pk, line.location.pk): line
            for line, quantity in zip(lines, quantities, strict=True)
            if quantity > 0 and line.status == ON_HAND
        }
        for line in arriving.values():
            check_location_accepts(line.part, line.location)
        balances = _lock_balances(lines, keys, ctx.at)
        for key, quantity in zip(keys, quantities, strict=True):
            post(ctx, balances[key], quantity, save=False)
        _write_balances(ctx)
        parts = list({line.part.pk: line.part for line in lines}.values())
        close(ctx, parts, lines=len(lines))
    return ctx.result
