"""The ledger's primitives, shared by the operations (operations.py) and the batch service
(batch.py): the context of one operation, balance locks, one signed movement, and closing an
operation with the part totals and its changelog entry.

Balances are locked in one global order (part, location, lot, status) so that two operations
can never wait for each other in a cycle. SQLite has no row locks; its IMMEDIATE transactions
(config/settings.py) run writers one at a time instead."""

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import wraps

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config.core import changelog, idempotency
from config.core.actors import Actor
from config.core.errors import Conflict, error_from_body
from config.core.numbers import plain_number
from inventory.models import Lot, Part, StockBalance, StockMovement, StockStatus, StorageLocation
from inventory.stock.quantities import check_quantity, check_total

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
class Context:
    """What every movement of one operation shares."""

    operation: str
    actor: Actor
    comment: str = ""
    source: str = ""
    operation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: object = field(default_factory=timezone.now)
    result: LedgerResult | None = None
    # What the operation changed of each part's on-hand and ordered totals, by part id.
    total_deltas: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    # What it changed of each balance, by balance id (the result lists each balance once).
    balance_deltas: dict[int, Decimal] = field(default_factory=dict)
    # The columns every movement of the operation shares, built once, not once per movement.
    shared: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.result = LedgerResult(self.operation_id, self.operation)
        self.shared = {
            "operation_id": self.operation_id,
            "operation": self.operation,
            "actor_kind": self.actor.kind,
            "actor_user": self.actor.user,
            "actor_name": self.actor.name[:150],
            "actor_token": self.actor.token_label,
            "source": self.source,
            "comment": self.comment,
            "at": self.at,
        }

    def movement(self, balance: StockBalance, delta: Decimal, **extra) -> StockMovement:
        """The operation's movement of ``delta`` on ``balance`` (not yet saved)."""
        return StockMovement(
            **self.shared,
            part=balance.part,
            location=balance.location,
            lot=balance.lot,
            status=balance.status,
            quantity=delta,
            **extra,
        )


def validate_quantity(
    part: Part,
    quantity: object,
    name: str = "quantity",
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> Decimal:
    """The quantity rule (inventory/quantities.py) for this part: positive (or zero for a
    count, or signed for a batch line), within the ledger's range and, for parts counted in
    pieces, whole."""
    return check_quantity(
        quantity,
        name=name,
        allow_zero=allow_zero,
        allow_negative=allow_negative,
        whole=part.unit_of_measure == Part.UnitOfMeasure.PIECES,
        whole_reason=f"must be a whole number: {part.ipn} is counted in pieces.",
    )


def lock_balance(
    part: Part, location: StorageLocation, lot: Lot | None, status: str
) -> StockBalance:
    """The balance row, locked; created (at zero) when missing."""
    lookup = {"part": part, "location": location, "lot": lot, "status": status}
    balance = StockBalance.objects.select_for_update().filter(**lookup).first()
    if balance is None:
        try:
            with transaction.atomic():
                balance = StockBalance.objects.create(**lookup, quantity=Decimal(0))
        except IntegrityError:
            # Another transaction created it first: wait for its lock like everyone else.
            balance = StockBalance.objects.select_for_update().get(**lookup)
    balance.lot = lot
    return with_relations(balance, part, location)


def with_relations(balance: StockBalance, part: Part, location: StorageLocation) -> StockBalance:
    # The caller already holds these rows: spare the movement and the response a query each.
    balance.part, balance.location = part, location
    return balance


def lock_in_order(part: Part, locations: list[StorageLocation]) -> None:
    """Lock every existing balance an operation may touch, in the global order, before it
    touches any: an operation that locked them as it went could deadlock with another that
    goes the other way (a move A→B against a move B→A)."""
    list(
        StockBalance.objects.select_for_update()
        .filter(part=part, location__in=locations)
        .order_by("location_id", "lot_id", "status")
        .values_list("pk", flat=True)
    )


def post(
    ctx: Context, balance: StockBalance, delta: Decimal, *, save: bool = True, **extra
) -> None:
    """One signed movement of a locked balance. The movement is written with the operation's
    others when it closes (:func:`close`); ``save=False`` leaves the balance row to the
    caller too (the batch service writes all its balances in one statement)."""
    new_quantity = balance.quantity + delta
    if new_quantity < 0:
        raise insufficient(balance.part, balance.location, balance.quantity, -delta, balance)
    check_total(
        new_quantity,
        what=lambda: f"the balance of {balance.part.ipn} at {balance.location.code}",
    )
    balance.quantity = new_quantity
    balance.updated_at = ctx.at
    if save:
        # An UPDATE of the two columns (the row is locked): Model.save's machinery around
        # the same statement cost more than the statement on a pick.
        StockBalance.objects.filter(pk=balance.pk).update(quantity=new_quantity, updated_at=ctx.at)
    ctx.result.movements.append(ctx.movement(balance, delta, **extra))
    if balance.status in PART_TOTALS:
        totals = ctx.total_deltas.setdefault(balance.part_id, {})
        total = PART_TOTALS[balance.status]
        totals[total] = totals.get(total, Decimal(0)) + delta
    if balance.pk not in ctx.balance_deltas:
        ctx.result.balances.append(balance)
    ctx.balance_deltas[balance.pk] = ctx.balance_deltas.get(balance.pk, Decimal(0)) + delta


def insufficient(part, location, available, wanted, balance=None) -> Conflict:
    where = location.code if location else "there"
    lot = f" in lot {balance.lot.name}" if balance is not None and balance.lot else ""
    status = balance.status if balance is not None else ON_HAND
    return Conflict(
        f"Only {plain_number(available)} of {part.ipn} {status.replace('_', ' ')} at {where}{lot}; "
        f"cannot take {plain_number(wanted)}.",
        code="insufficient_stock",
        extra={"available": plain_number(available), "requested": plain_number(wanted)},
    )


def check_location_accepts(part: Part, location: StorageLocation) -> None:
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


def close(ctx: Context, parts: list[Part], **details) -> None:
    """Close an operation: its movements (one insert), the parts' totals, then the changelog
    entry. Locks are taken in one order everywhere (balances, then part rows, then the
    changelog lock), so two operations cannot deadlock."""
    StockMovement.objects.bulk_create(ctx.result.movements)
    by_change: dict[tuple, list[int]] = defaultdict(list)
    for part in parts:
        deltas = ctx.total_deltas.get(part.pk, {})
        for name, delta in deltas.items():
            # The part row was read before the operation: its database CHECK constraint
            # catches what a concurrent writer added since.
            check_total(getattr(part, name) + delta, what=f"the total of {part.ipn}")
        change = tuple(sorted((name, delta) for name, delta in deltas.items() if delta))
        if change:
            by_change[change].append(part.pk)
    # One UPDATE per distinct change, not per part: a batch of sensor counts that moves a
    # thousand parts by one each is one statement.
    for change, part_ids in by_change.items():
        Part.objects.filter(pk__in=sorted(part_ids)).update(
            **{name: F(name) + delta for name, delta in change}
        )
    ipns = [part.ipn for part in parts]
    changelog.record(
        actor=ctx.actor,
        action=changelog.Action.CREATE,
        entity_type=changelog.EntityType.STOCK_OPERATION,
        entity_key=str(ctx.operation_id),
        changes={
            "operation": [None, ctx.operation],
            "part": [None, ipns[0] if len(ipns) == 1 else ipns],
            **{name: [None, changelog.jsonable(value)] for name, value in details.items()},
        },
    )


def idempotent(service: Callable[..., LedgerResult]) -> Callable[..., LedgerResult]:
    """Give a ledger operation an ``idempotency_key`` keyword: run under a key, the operation
    happens once per (actor's scope, key), and a repeat returns the first result (or raises
    the first refusal again) and changes nothing. Celery tasks (sensor polls, production
    steps, distributor receipts) pass one so that a task run twice posts once; the API and
    the UI use the same records through their request keys."""

    @wraps(service)
    def run(*, actor: Actor, idempotency_key: str | None = None, **kwargs) -> LedgerResult:
        if idempotency_key is None:
            return service(actor=actor, **kwargs)
        done: list[LedgerResult] = []

        def work() -> tuple[int, dict]:
            done.append(service(actor=actor, **kwargs))
            return 200, {"operation_id": str(done[0].operation_id), "operation": done[0].operation}

        arguments = {name: changelog.jsonable(value) for name, value in kwargs.items()}
        status, body, _replayed = idempotency.run_idempotent(
            scope=idempotency.scope_of(actor),
            key=idempotency_key,
            fingerprint=idempotency.request_fingerprint(service.__name__, "", arguments),
            work=work,
        )
        if status != 200:
            raise error_from_body(status, body)
        return done[0] if done else result_of(uuid.UUID(body["operation_id"]), body["operation"])

    return run


def result_of(operation_id: uuid.UUID, operation: str) -> LedgerResult:
    """The result of an operation that is already in the ledger, read back from it: its
    movements, and the balances they moved (each once, in the order the movements name
    them), in two queries however many movements it has."""
    movements = list(
        StockMovement.objects.filter(operation_id=operation_id)
        .select_related("part", "location", "lot")
        .order_by("id")
    )
    keys = [(m.part_id, m.location_id, m.lot_id, m.status) for m in movements]
    # The operation's parts at its locations: a superset of its balances (an operation
    # touches a few parts at a few locations), narrowed to its own keys below.
    found = {
        (b.part_id, b.location_id, b.lot_id, b.status): b
        for b in StockBalance.objects.filter(
            part__in={key[0] for key in keys}, location__in={key[1] for key in keys}
        ).select_related("part__part_type", "location", "lot")
    }
    balances = [found[key] for key in dict.fromkeys(keys)]
    return LedgerResult(operation_id, operation, movements, balances)
