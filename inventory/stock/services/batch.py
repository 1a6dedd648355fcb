"""Many movements in one transaction: the entry point for sensor counts, production steps and
distributor receipts, which post dozens to thousands of movements at once. One lock pass over
every balance the batch touches (in the global order), one insert for new balances, one update
for the changed ones, one insert for the movements, one changelog entry."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q

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


@dataclass(frozen=True)
class LedgerLine:
    """One signed change of one balance: positive adds, negative takes."""

    part: Part
    location: StorageLocation
    quantity: Decimal
    lot: Lot | None = None
    status: str = ON_HAND


def _key(part_id: int, location_id: int, lot_id: int | None, status: str) -> tuple:
    return (part_id, location_id, lot_id or 0, status)


def _lock_balances(lines: Sequence[LedgerLine], at) -> dict[tuple, StockBalance]:
    """Every balance the lines touch, locked in the global order; missing ones created at
    zero (a concurrent creator makes this wait for its lock instead)."""
    wanted = {_key(ln.part.pk, ln.location.pk, ln.lot and ln.lot.pk, ln.status): ln for ln in lines}
    parts = {line.part.pk for line in lines}
    locations = {line.location.pk for line in lines}
    found = {
        _key(b.part_id, b.location_id, b.lot_id, b.status): b
        for b in StockBalance.objects.select_for_update()
        .filter(part__in=parts, location__in=locations)
        .order_by("part_id", "location_id", "lot_id", "status")
    }
    missing = [
        StockBalance(
            part=line.part,
            location=line.location,
            lot=line.lot,
            status=line.status,
            quantity=Decimal(0),
            updated_at=at,
        )
        for key, line in wanted.items()
        if key not in found
    ]
    if missing:
        try:
            with transaction.atomic():
                StockBalance.objects.bulk_create(missing)
        except IntegrityError:
            pass  # someone created one of them first; the locking read below finds them all
        lookup = Q()
        for balance in missing:
            lookup |= Q(
                part=balance.part, location=balance.location, lot=balance.lot, status=balance.status
            )
        for balance in StockBalance.objects.select_for_update().filter(lookup):
            found[_key(balance.part_id, balance.location_id, balance.lot_id, balance.status)] = (
                balance
            )
    for key, line in wanted.items():
        balance = found[key]
        balance.part, balance.location, balance.lot = line.part, line.location, line.lot
    return found


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
    with transaction.atomic():
        for line, quantity in zip(lines, quantities, strict=True):
            if quantity > 0 and line.status == ON_HAND:
                check_location_accepts(line.part, line.location)
        balances = _lock_balances(lines, ctx.at)
        for line, quantity in zip(lines, quantities, strict=True):
            key = _key(line.part.pk, line.location.pk, line.lot and line.lot.pk, line.status)
            post(ctx, balances[key], quantity, save=False)
        _write_balances(ctx)
        parts = list({line.part.pk: line.part for line in lines}.values())
        close(ctx, parts, lines=len(lines))
    return ctx.result
