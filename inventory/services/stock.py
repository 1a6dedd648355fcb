"""The stock ledger. Every change of stock is one of these operations: it writes immutable
movements, updates the balances they touch under row locks, and records a changelog entry,
all in one transaction. Sensors, production and people all come through here.

Balances are locked in one global order (location, lot, status) so that two operations on
the same part can never wait for each other in a cycle. SQLite has no row locks; its
IMMEDIATE transactions (config/settings.py) run writers one at a time instead."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.actors import Actor
from config import statements
from config.errors import Conflict, ValidationFailed

from .. import changelog
from ..models import Lot, Part, StockBalance, StockMovement, StockStatus, StorageLocation
from ..quantities import check_quantity, check_total
from ..units import plain_number
from .locations import lot_create

ON_HAND = StockStatus.ON_HAND
# The balances whose sums each part also carries (for the low-stock report).
PART_TOTALS = {StockStatus.ON_HAND: "on_hand_total", StockStatus.ORDERED: "on_order_total"}
Operation = StockMovement.Operation


@dataclass
class LedgerResult:
    operation_id: uuid.UUID
    operation: str
    movements: list[StockMovement] = field(default_factory=list)
    balances: list[StockBalance] = field(default_factory=list)


@dataclass
class _Context:
    """What every movement of one operation shares."""

    operation: str
    actor: Actor
    comment: str = ""
    source: str = ""
    operation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: object = field(default_factory=timezone.now)
    result: LedgerResult | None = None
    # What the operation changed of the part's on-hand and ordered totals.
    total_deltas: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.result = LedgerResult(self.operation_id, self.operation)


def _validate_quantity(
    part: Part, quantity: object, name: str = "quantity", *, allow_zero: bool = False
) -> Decimal:
    """The quantity rule (inventory/quantities.py) for this part: positive (or zero for a
    count), within the ledger's range and, for parts counted in pieces, whole."""
    return check_quantity(
        quantity,
        name=name,
        allow_zero=allow_zero,
        whole=part.unit_of_measure == Part.UnitOfMeasure.PIECES,
        whole_reason=f"must be a whole number: {part.ipn} is counted in pieces.",
    )


def _balance_key(location: StorageLocation, lot: Lot | None, status: str) -> tuple:
    return (location.pk, lot.pk if lot else 0, status)


def _lock_balance(
    part: Part, location: StorageLocation, lot: Lot | None, status: str
) -> StockBalance:
    """The balance row, locked; created (at zero) when missing."""
    lookup = {"part": part, "location": location, "lot": lot, "status": status}
    found = statements.select(StockBalance, lookup, for_update=True, limit=1)
    balance = found[0] if found else None
    if balance is None:
        try:
            with transaction.atomic():
                balance = StockBalance.objects.create(**lookup, quantity=Decimal(0))
        except IntegrityError:
            # Another transaction created it first: wait for its lock like everyone else.
            balance = StockBalance.objects.select_for_update().get(**lookup)
    balance.lot = lot
    return _with_relations(balance, part, location)


def _with_relations(balance: StockBalance, part: Part, location: StorageLocation) -> StockBalance:
    # The caller already holds these rows: spare the movement and the response a query each.
    balance.part, balance.location = part, location
    return balance


def _lock_in_order(part: Part, locations: list[StorageLocation]) -> None:
    """Lock every existing balance an operation may touch, in the global order, before it
    touches any: an operation that locked them as it went could deadlock with another that
    goes the other way (a move A→B against a move B→A)."""
    list(
        StockBalance.objects.select_for_update()
        .filter(part=part, location__in=locations)
        .order_by("location_id", "lot_id", "status")
        .values_list("pk", flat=True)
    )


def _move(ctx: _Context, balance: StockBalance, delta: Decimal, **extra) -> None:
    new_quantity = balance.quantity + delta
    if new_quantity < 0:
        raise _insufficient(balance.part, balance.location, balance.quantity, -delta, balance)
    check_total(new_quantity, what=f"the balance of {balance.part.ipn} at {balance.location.code}")
    balance.quantity = new_quantity
    balance.updated_at = ctx.at
    statements.update(balance, ["quantity", "updated_at"])
    actor = ctx.actor
    movement = StockMovement(
        operation_id=ctx.operation_id,
        operation=ctx.operation,
        part=balance.part,
        location=balance.location,
        lot=balance.lot,
        status=balance.status,
        quantity=delta,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_name=actor.name[:150],
        actor_token=actor.token_label,
        source=ctx.source,
        comment=ctx.comment,
        at=ctx.at,
        **extra,
    )
    statements.insert(movement)
    ctx.result.movements.append(movement)
    if balance.status in PART_TOTALS:
        total = PART_TOTALS[balance.status]
        ctx.total_deltas[total] = ctx.total_deltas.get(total, Decimal(0)) + delta
    if balance not in ctx.result.balances:
        ctx.result.balances.append(balance)


def _insufficient(part, location, available, wanted, balance=None) -> Conflict:
    where = location.code if location else "there"
    lot = f" in lot {balance.lot.name}" if balance is not None and balance.lot else ""
    status = balance.status if balance is not None else ON_HAND
    return Conflict(
        f"Only {plain_number(available)} of {part.ipn} {status.replace('_', ' ')} at {where}{lot}; "
        f"cannot take {plain_number(wanted)}.",
        code="insufficient_stock",
        extra={"available": plain_number(available), "requested": plain_number(wanted)},
    )


def _check_location_accepts(part: Part, location: StorageLocation) -> None:
    """PartsBox's storage settings, enforced on everything that brings stock in."""
    if location.archived:
        raise Conflict(
            f"{location.code} is archived and accepts no stock.", code="location_archived"
        )
    if location.is_full:
        raise Conflict(f"{location.code} is marked full.", code="location_full")
    if location.single_part:
        other = (
            StockBalance.objects.filter(location=location, quantity__gt=0)
            .exclude(part=part)
            .select_related("part")
            .first()
        )
        if other is not None:
            raise Conflict(
                f"{location.code} holds a single part and already has {other.part.ipn}.",
                code="location_single_part",
            )
    if (
        location.existing_parts_only
        and not StockBalance.objects.filter(location=location, part=part).exists()
    ):
        raise Conflict(
            f"{location.code} accepts only parts it already holds, and {part.ipn} is not one.",
            code="location_existing_parts_only",
        )


def _record(ctx: _Context, part: Part, **details) -> None:
    """Close an operation: the part's totals, then the changelog entry. Locks are taken in
    one order everywhere (balances, then the part row, then the changelog lock), so two
    operations cannot deadlock."""
    changed = {name: delta for name, delta in ctx.total_deltas.items() if delta}
    for name, delta in changed.items():
        # The part row was read before the operation: its database CHECK constraint
        # catches what a concurrent writer added since.
        check_total(getattr(part, name) + delta, what=f"the total of {part.ipn}")
    if changed:
        statements.increment(Part, part.pk, changed)
    changelog.record(
        actor=ctx.actor,
        action="create",
        entity_type="stock_operation",
        entity_key=str(ctx.operation_id),
        changes={
            "operation": [None, ctx.operation],
            "part": [None, part.ipn],
            **{name: [None, changelog.jsonable(value)] for name, value in details.items()},
        },
    )


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
    quantity = _validate_quantity(part, quantity)
    if unit_price is not None:
        unit_price = check_quantity(unit_price, name="unit_price", allow_zero=True)
    if (unit_price is None) != (not currency):
        raise ValidationFailed(
            "A unit price needs a currency and a currency needs a unit price.",
            errors={"currency": ["Give both unit_price and currency, or neither."]},
        )
    ctx = _Context(Operation.ADD, actor, comment, source)
    with transaction.atomic():
        _check_location_accepts(part, location)
        if new_lot is not None:
            # A new lot's balance is a new row: creating the lot first cannot deadlock.
            lot = lot_create(actor=actor, **new_lot)
        balance = _lock_balance(part, location, lot, status)
        _move(ctx, balance, quantity, unit_price=unit_price, currency=currency.upper())
        _record(
            ctx,
            part,
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            status=status,
        )
    return ctx.result


def _fifo_balances(part: Part, location: StorageLocation, status: str) -> list[StockBalance]:
    # Stock without a lot goes first, then lots: soonest expiry first, then oldest (lot ids
    # grow with age).
    balances = [
        _with_relations(balance, part, location)
        for balance in statements.select(
            StockBalance,
            {"part": part, "location": location, "status": status, "quantity__gt": 0},
            order_by=["location", "lot", "status"],  # the global lock order
            for_update=True,
        )
    ]
    # Lots only when some stock is in one: most picks are from stock without a lot.
    lot_ids = {balance.lot_id for balance in balances if balance.lot_id}
    if lot_ids:
        lots = Lot.objects.in_bulk(lot_ids)
        for balance in balances:
            balance.lot = lots.get(balance.lot_id)
    return sorted(
        balances,
        key=lambda b: (
            b.lot is not None,
            (b.lot.expiry_date or date.max) if b.lot else date.max,
            b.lot_id or 0,
        ),
    )


def _take(
    ctx: _Context,
    part: Part,
    location: StorageLocation,
    quantity: Decimal,
    lot: Lot | None,
    status: str,
) -> list[tuple[StockBalance, Decimal]]:
    """Take ``quantity`` out of (part, location, status): from ``lot`` if given, else oldest
    first. Returns what was taken from which balance."""
    if lot is not None:
        balance = _lock_balance(part, location, lot, status)
        if balance.quantity < quantity:
            raise _insufficient(part, location, balance.quantity, quantity, balance)
        _move(ctx, balance, -quantity)
        return [(balance, quantity)]
    balances = _fifo_balances(part, location, status)
    available = sum((b.quantity for b in balances), Decimal(0))
    if available < quantity:
        raise _insufficient(part, location, available, quantity)
    taken, remaining = [], quantity
    for balance in balances:
        if remaining == 0:
            break
        portion = min(balance.quantity, remaining)
        _move(ctx, balance, -portion)
        taken.append((balance, portion))
        remaining -= portion
    return taken


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
    quantity = _validate_quantity(part, quantity)
    ctx = _Context(Operation.REMOVE, actor, comment, source)
    with transaction.atomic():
        _take(ctx, part, location, quantity, lot, status)
        _record(
            ctx,
            part,
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            status=status,
        )
    return ctx.result


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
    quantity = _validate_quantity(part, quantity)
    if from_location.pk == to_location.pk and to_lot is None and new_lot is None:
        raise ValidationFailed(
            "Source and destination are the same location.",
            errors={"to_location": ["Must differ from from_location."]},
        )
    ctx = _Context(Operation.MOVE, actor, comment, source)
    with transaction.atomic():
        _check_location_accepts(part, to_location)
        _lock_in_order(part, [from_location, to_location])
        taken = _take(ctx, part, from_location, quantity, lot, ON_HAND)
        if new_lot is not None:
            # Only after the source rows are locked: lot_create's changelog entry takes the
            # changelog lock, and no row lock may be waited for while holding it.
            to_lot = lot_create(actor=actor, **new_lot)
        for balance, portion in taken:
            target_lot = to_lot if to_lot is not None else balance.lot
            _move(ctx, _lock_balance(part, to_location, target_lot, ON_HAND), portion)
        _record(
            ctx,
            part,
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
    counted = _validate_quantity(part, counted, "counted", allow_zero=True)
    ctx = _Context(Operation.ADJUST, actor, comment, source)
    with transaction.atomic():
        if lot is None:
            lot = _only_lot_held(part, location)
        balance = _lock_balance(part, location, lot, ON_HAND)
        delta = counted - balance.quantity
        if delta > 0:
            _check_location_accepts(part, location)
        if delta != 0:
            _move(ctx, balance, delta)
        else:
            ctx.result.balances.append(balance)
        _record(
            ctx,
            part,
            location=location.code,
            lot=lot and lot.name,
            counted=counted,
            difference=delta,
        )
    return ctx.result


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
    quantity = _validate_quantity(part, quantity)
    if from_status == to_status:
        raise ValidationFailed(
            "The statuses are the same.", errors={"to_status": ["Must differ from from_status."]}
        )
    ctx = _Context(Operation.STATUS, actor, comment, source)
    with transaction.atomic():
        if to_status == ON_HAND:
            _check_location_accepts(part, location)
        _lock_in_order(part, [location])
        taken = _take(ctx, part, location, quantity, lot, from_status)
        for balance, portion in taken:
            _move(ctx, _lock_balance(part, location, balance.lot, to_status), portion)
        _record(
            ctx,
            part,
            location=location.code,
            lot=lot and lot.name,
            quantity=quantity,
            from_status=from_status,
            to_status=to_status,
        )
    return ctx.result


def part_totals_rebuild(*, part_ids: list[int] | None = None) -> None:
    """Recompute parts' on-hand and ordered totals from their balances: for bulk loads that
    write balances directly (seeding) instead of through the operations above."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=6))

    def total(status: str):
        sums = (
            StockBalance.objects.filter(part=OuterRef("pk"), status=status)
            .values("part")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return Coalesce(Subquery(sums), zero)

    updates = {field: total(status) for status, field in PART_TOTALS.items()}
    if part_ids is None:
        Part.objects.update(**updates)
        return
    for start in range(0, len(part_ids), 900):  # below SQLite's variable limit
        Part.objects.filter(pk__in=part_ids[start : start + 900]).update(**updates)
