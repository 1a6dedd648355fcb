"""The stock operations people and machines ask for: receive, pick, move, count, change
status. Each is one transaction that writes immutable movements, updates the balances they
touch under row locks, and records a changelog entry. Sensors, production and people all come
through here (or through the batch service, batch.py, for many movements at once)."""

from decimal import Decimal

from django.db import transaction

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from inventory.models import Lot, Part, StockBalance, StorageLocation
from inventory.stock.quantities import check_quantity
from inventory.stock.queries import fifo_key
from inventory.stock.services.ledger import (
    ON_HAND,
    Context,
    LedgerResult,
    Operation,
    check_location_accepts,
    close,
    idempotent,
    insufficient,
    lock_balance,
    lock_in_order,
    post,
    validate_quantity,
    with_relations,
)
from inventory.stock.services.locations import lot_create


@idempotent
def stock_add(
    *,
    actor: Actor,
    part: Part,
    location: StorageLocation,
    quantity: Decimal,
    lot: Lot | None = None,
    new_lot: dict | None = None,
    status: str = ON_HAND,
    unit_price: Decimal | None = None,
    currency: str = "",
    comment: str = "",
    source: str = "",
) -> LedgerResult:
    """Receive stock into a location, optionally into an existing lot or a new one (``new_lot``
    holds lot_create's fields), at an optional unit price."""
    quantity = validate_quantity(part, quantity)
    if unit_price is not None:
        unit_price = check_quantity(unit_price, name="unit_price", allow_zero=True)
    if (unit_price is None) != (not currency):
        raise ValidationFailed(
            "A unit price needs a currency and a currency needs a unit price.",
            errors={"currency": ["Give both unit_price and currency, or neither."]},
        )
    ctx = Context(Operation.ADD, actor, comment, source)
    with transaction.atomic():
        check_location_accepts(part, location)
        if new_lot is not None:
            # A new lot's balance is a new row: creating the lot first cannot deadlock.
            lot = lot_create(actor=actor, **new_lot)
        balance = lock_balance(part, location, lot, status)
        post(ctx, balance, quantity, unit_price=unit_price, currency=currency.upper())
        close(
            ctx,
            [part],
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            status=status,
        )
    return ctx.result


def _fifo_balances(part: Part, location: StorageLocation, status: str) -> list[StockBalance]:
    # The FIFO order of queries.fifo_key, which the scanner pages' suggestions share.
    balances = [
        with_relations(balance, part, location)
        for balance in StockBalance.objects.select_for_update()
        .filter(part=part, location=location, status=status, quantity__gt=0)
        .order_by("location_id", "lot_id", "status")  # the global lock order
    ]
    # Lots only when some stock is in one: most picks are from stock without a lot.
    lot_ids = {balance.lot_id for balance in balances if balance.lot_id}
    if lot_ids:
        lots = Lot.objects.in_bulk(lot_ids)
        for balance in balances:
            balance.lot = lots.get(balance.lot_id)
    return sorted(balances, key=lambda b: fifo_key(b.lot))


def _take(
    ctx: Context,
    part: Part,
    location: StorageLocation,
    quantity: Decimal,
    lot: Lot | None,
    status: str,
) -> list[tuple[StockBalance, Decimal]]:
    """Take ``quantity`` out of (part, location, status): from ``lot`` if given, else oldest
    first. Returns what was taken from which balance."""
    if lot is not None:
        balance = lock_balance(part, location, lot, status)
        if balance.quantity < quantity:
            raise insufficient(part, location, balance.quantity, quantity, balance)
        post(ctx, balance, -quantity)
        return [(balance, quantity)]
    balances = _fifo_balances(part, location, status)
    available = sum((b.quantity for b in balances), Decimal(0))
    if available < quantity:
        raise insufficient(part, location, available, quantity)
    taken, remaining = [], quantity
    for balance in balances:
        if remaining == 0:
            break
        portion = min(balance.quantity, remaining)
        post(ctx, balance, -portion)
        taken.append((balance, portion))
        remaining -= portion
    return taken


@idempotent
def stock_remove(
    *,
    actor: Actor,
    part: Part,
    location: StorageLocation,
    quantity: Decimal,
    lot: Lot | None = None,
    status: str = ON_HAND,
    comment: str = "",
    source: str = "",
) -> LedgerResult:
    """Pick stock: from the given lot, or oldest lot first. More than there is is a 409
    ``insufficient_stock`` that says how much is available."""
    quantity = validate_quantity(part, quantity)
    ctx = Context(Operation.REMOVE, actor, comment, source)
    with transaction.atomic():
        _take(ctx, part, location, quantity, lot, status)
        close(
            ctx,
            [part],
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            status=status,
        )
    return ctx.result


@idempotent
def stock_move(
    *,
    actor: Actor,
    part: Part,
    from_location: StorageLocation,
    to_location: StorageLocation,
    quantity: Decimal,
    lot: Lot | None = None,
    to_lot: Lot | None = None,
    new_lot: dict | None = None,
    comment: str = "",
    source: str = "",
) -> LedgerResult:
    """Move on-hand stock between locations. Each portion keeps its lot, unless ``to_lot``
    (or ``new_lot``, created here) is given: then the moved quantity lands in that lot,
    splitting the lot it came from."""
    quantity = validate_quantity(part, quantity)
    if from_location.pk == to_location.pk and to_lot is None and new_lot is None:
        raise ValidationFailed(
            "Source and destination are the same location.",
            errors={"to_location": ["Must differ from from_location."]},
        )
    ctx = Context(Operation.MOVE, actor, comment, source)
    with transaction.atomic():
        check_location_accepts(part, to_location)
        lock_in_order(part, [from_location, to_location])
        taken = _take(ctx, part, from_location, quantity, lot, ON_HAND)
        if new_lot is not None:
            # Only after the source rows are locked: lot_create's changelog entry takes the
            # changelog lock, and no row lock may be waited for while holding it.
            to_lot = lot_create(actor=actor, **new_lot)
        for balance, portion in taken:
            target_lot = to_lot if to_lot is not None else balance.lot
            post(ctx, lock_balance(part, to_location, target_lot, ON_HAND), portion)
        close(
            ctx,
            [part],
            from_location=from_location.code,
            to_location=to_location.code,
            lot=lot and lot.name,
            to_lot=to_lot and to_lot.name,
            quantity=quantity,
        )
    return ctx.result


def _only_lot_held(part: Part, location: StorageLocation) -> Lot | None:
    """The lot a count without a lot refers to; ambiguous when several balances hold stock."""
    holding = list(
        StockBalance.objects.filter(
            part=part, location=location, status=ON_HAND, quantity__gt=0
        ).select_related("lot")
    )
    if len(holding) > 1:
        lots = ", ".join(sorted(b.lot.name if b.lot else "(no lot)" for b in holding))
        raise ValidationFailed(
            f"{location.code} holds {part.ipn} in several lots ({lots}): say which you counted.",
            code="lot_required",
            errors={"lot": ["Required: several lots are here."]},
        )
    return holding[0].lot if holding else None


@idempotent
def stock_adjust(
    *,
    actor: Actor,
    part: Part,
    location: StorageLocation,
    counted: Decimal,
    lot: Lot | None = None,
    comment: str = "",
    source: str = "",
) -> LedgerResult:
    """A stocktake: record the difference between what was counted and the on-hand balance
    as one movement. Counting what the ledger already says writes nothing."""
    counted = validate_quantity(part, counted, "counted", allow_zero=True)
    ctx = Context(Operation.ADJUST, actor, comment, source)
    with transaction.atomic():
        if lot is None:
            lot = _only_lot_held(part, location)
        balance = lock_balance(part, location, lot, ON_HAND)
        delta = counted - balance.quantity
        if delta > 0:
            check_location_accepts(part, location)
        if delta != 0:
            post(ctx, balance, delta)
        else:
            ctx.result.balances.append(balance)
        close(
            ctx,
            [part],
            location=location.code,
            lot=lot and lot.name,
            counted=counted,
            difference=delta,
        )
    return ctx.result


@idempotent
def stock_change_status(
    *,
    actor: Actor,
    part: Part,
    location: StorageLocation,
    quantity: Decimal,
    from_status: str,
    to_status: str,
    lot: Lot | None = None,
    comment: str = "",
    source: str = "",
) -> LedgerResult:
    """Move a quantity from one status to another in place (on hand → reserved, ordered →
    on hand, ...). Oldest lot first when no lot is given."""
    quantity = validate_quantity(part, quantity)
    if from_status == to_status:
        raise ValidationFailed(
            "The statuses are the same.", errors={"to_status": ["Must differ from from_status."]}
        )
    ctx = Context(Operation.STATUS, actor, comment, source)
    with transaction.atomic():
        if to_status == ON_HAND:
            check_location_accepts(part, location)
        lock_in_order(part, [location])
        taken = _take(ctx, part, location, quantity, lot, from_status)
        for balance, portion in taken:
            post(ctx, lock_balance(part, location, balance.lot, to_status), portion)
        close(
            ctx,
            [part],
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            from_status=from_status,
            to_status=to_status,
        )
    return ctx.result
