"""The one bulk path into the stock ledger: the only code besides the ledger services
(:mod:`inventory.stock.services`) that writes ``StockMovement`` and ``StockBalance`` rows.

Stock *history* cannot go through the ledger services: they stamp movements with the current
time, and movements are immutable. :class:`BackdatedLedger` writes backdated movements
directly, in bulk, together with balances equal to their sums; it applies each balance's
movements in time order and refuses any that would take a balance below zero, so the ledger
invariant of DESIGN.md holds at every point of the made-up history too. Its callers are
``manage.py load_demo`` (inventory/demo.py) and the benchmark seeder
(tests/benchmarks/seeding, ``manage.py seed_demo``); they record one changelog entry per
history (:func:`record_history`).

:func:`bulk_insert` is the raw insert beneath it: COPY on PostgreSQL, one prepared INSERT
with ``executemany`` elsewhere. The seeder also uses it for catalogue rows, but it refuses the
ledger's tables: rows reach those only through :class:`BackdatedLedger`.
"""

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

from config.core import changelog
from config.core.actors import Actor
from inventory.models import StockBalance, StockMovement, StockStatus
from inventory.stock.services import part_totals_rebuild

ON_HAND = StockStatus.ON_HAND
IN_CHUNK = 900  # ids per "IN (...)": below SQLite's oldest variable limit
LEDGER_MODELS = (StockMovement, StockBalance)


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a value of ``field`` is handed to the database driver; None: as it is."""
    ops = connection.ops
    sqlite = connection.vendor == "sqlite"
    if isinstance(field, models.DateTimeField):
        if sqlite and connection.timezone == UTC:
            # What adapt_datetimefield_value does, minus its per-call checks (hot path).
            return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
        return ops.adapt_datetimefield_value
    if isinstance(field, models.UUIDField):
        if not connection.features.has_native_uuid_field:
            return lambda value: value.hex
        return None
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def bulk_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows given as tuples of Python values in ``columns`` (attnames) order, for bulk
    loads of millions of rows: several times faster than ``bulk_create``, because no model
    instances are built and SQLite's 999-variable limit does not cut the batch into pieces of
    a few dozen rows. Columns left out get their field's default (computed once); the primary
    key and generated columns are left to the database. Refuses the ledger's tables, which
    only :class:`BackdatedLedger` writes in bulk."""
    if model in LEDGER_MODELS:
        raise ValueError(
            f"{model.__name__} rows are written by the ledger services or BackdatedLedger only."
        )
    return _insert(model, columns, rows)


def _insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    defaulted = [
        field
        for field in model._meta.concrete_fields
        # The database fills generated columns (Part.shortfall) itself.
        if field.attname not in columns and not field.primary_key and not field.generated
    ]
    defaults = tuple(field.get_db_prep_save(field.get_default(), connection) for field in defaulted)
    adapters = [_adapter(field) for field in fields]
    active = [(index, adapt) for index, adapt in enumerate(adapters) if adapt is not None]
    prepared = []
    for row in rows:
        values = [*row, *defaults]
        for index, adapt in active:
            if values[index] is not None:
                values[index] = adapt(values[index])
        prepared.append(values)
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in [*fields, *defaulted])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement; executemany would send one INSERT per
            # row, which makes a million-movement seed take several times longer.
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in prepared:
                    copy.write_row(values)
        else:
            marks = ", ".join(["%s"] * len(prepared[0]))
            # Names from model metadata, values as parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, prepared)
    return len(prepared)


# Backdated stock history ---------------------------------------------------------------------

MOVEMENT_COLUMNS = (
    "operation_id",
    "operation",
    "part_id",
    "location_id",
    "lot_id",
    "status",
    "quantity",
    "unit_price",
    "currency",
    "actor_kind",
    "actor_user_id",
    "actor_name",
    "actor_token",
    "source",
    "comment",
    "at",
)
BALANCE_COLUMNS = ("part_id", "location_id", "lot_id", "status", "quantity", "updated_at")
BalanceKey = tuple[int, int, int | None, str]


class BackdatedLedger:
    """Collects backdated movements and keeps every touched balance's running total.

    Call the operations of one balance in time order (the operations of different balances
    may interleave freely): a leg that would take a balance below zero raises
    ``ValueError``. :meth:`flush` writes the collected movements and the balances they
    touched (adding to balances that already exist), inside the caller's transaction."""

    def __init__(self, actor: Actor, *, rng: random.Random | None = None):
        self.actor = actor
        # Seeded runs are reproducible, operation ids included.
        self.new_id = (
            uuid.uuid4 if rng is None else lambda: uuid.UUID(int=rng.getrandbits(128), version=4)
        )
        self._actor_columns = (
            actor.kind,
            actor.user.pk if actor.user else None,
            actor.name[:150],
            actor.token_label,
        )
        self.totals: dict[BalanceKey, Decimal] = {}
        self._touched: dict[BalanceKey, datetime] = {}
        self._rows: list[tuple] = []
        self.movements_written = 0
        self.balances_written = 0

    @property
    def pending(self) -> int:
        return len(self._rows)

    def leg(
        self,
        operation_id: uuid.UUID,
        operation: str,
        key: BalanceKey,
        quantity: Decimal | int,
        at: datetime,
        *,
        unit_price: Decimal | None = None,
        currency: str = "",
        source: str = "",
        comment: str = "",
    ) -> None:
        total = self.totals.get(key, 0) + quantity
        if total < 0:
            raise ValueError(f"{key} would go below zero at {at:%Y-%m-%d %H:%M}")
        self.totals[key] = total
        if key not in self._touched or at > self._touched[key]:
            self._touched[key] = at
        part_id, location_id, lot_id, status = key
        self._rows.append(
            (
                operation_id,
                operation,
                part_id,
                location_id,
                lot_id,
                status,
                Decimal(quantity),
                unit_price,
                currency,
                *self._actor_columns,
                source,
                comment,
                at,
            )
        )

    def on_hand(self, part_id: int, location_id: int, lot_id: int | None = None) -> Decimal:
        return self.totals.get((part_id, location_id, lot_id, ON_HAND), Decimal(0))

    def add(self, key: BalanceKey, quantity, at, **extra) -> None:
        self.leg(self.new_id(), StockMovement.Operation.ADD, key, quantity, at, **extra)

    def remove(self, key: BalanceKey, quantity, at, **extra) -> None:
        self.leg(self.new_id(), StockMovement.Operation.REMOVE, key, -quantity, at, **extra)

    def transfer(self, operation: str, from_key: BalanceKey, to_key: BalanceKey, quantity, at, **x):
        """A two-legged operation (move, status change): one id, one time."""
        operation_id = self.new_id()
        self.leg(operation_id, operation, from_key, -quantity, at, **x)
        self.leg(operation_id, operation, to_key, quantity, at, **x)

    def flush(self) -> None:
        """Write what was collected; must run inside ``transaction.atomic()``."""
        if not connection.in_atomic_block:
            raise RuntimeError("BackdatedLedger.flush() must run inside transaction.atomic()")
        self.movements_written += _insert(StockMovement, MOVEMENT_COLUMNS, self._rows)
        self._rows = []
        touched, self._touched = self._touched, {}
        existing: dict[BalanceKey, StockBalance] = {}
        part_ids = sorted({key[0] for key in touched})
        for start in range(0, len(part_ids), IN_CHUNK):
            for balance in StockBalance.objects.filter(
                part_id__in=part_ids[start : start + IN_CHUNK]
            ):
                key = (balance.part_id, balance.location_id, balance.lot_id, balance.status)
                if key in touched:
                    existing[key] = balance
        new_rows = []
        for key, at in touched.items():
            if key in existing:
                continue  # recomputed from the ledger below
            new_rows.append((*key, self.totals[key], at))
        self.balances_written += _insert(StockBalance, BALANCE_COLUMNS, new_rows)
        if existing:
            sums = _movement_sums(list(existing))
            for key, balance in existing.items():
                balance.quantity = sums[key]
                balance.updated_at = max(balance.updated_at, touched[key])
            StockBalance.objects.bulk_update(list(existing.values()), ["quantity", "updated_at"])
        part_totals_rebuild(part_ids=part_ids)


def _movement_sums(keys: list[BalanceKey]) -> dict[BalanceKey, Decimal]:
    """The ledger's truth for balances that already existed before a flush."""
    sums: dict[BalanceKey, Decimal] = {}
    for part_id, location_id, lot_id, status in keys:
        total = StockMovement.objects.filter(
            part_id=part_id, location_id=location_id, lot_id=lot_id, status=status
        ).aggregate(total=models.Sum("quantity"))["total"]
        sums[(part_id, location_id, lot_id, status)] = total or Decimal(0)
    return sums


def record_history(*, actor: Actor, key: str, summary: dict[str, Any]) -> None:
    changelog.record(
        actor=actor,
        action="create",
        entity_type="stock_history",
        entity_key=key,
        changes={name: [None, changelog.jsonable(value)] for name, value in summary.items()},
    )
