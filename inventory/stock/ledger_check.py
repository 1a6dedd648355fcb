"""Read paths of ``manage.py check_ledger``: the invariants of "Stock is a ledger" (DESIGN.md),
checked on a whole database by an operator after an incident.

Each check aggregates in the database (GROUP BY, a few queries, none per row) and returns its
violations. A corrupt row may hold a number that Django cannot read back: SQLite stores any
number, and its Decimal converter raises ``InvalidOperation`` on one that does not fit
``numeric(18, 6)``. So out-of-range rows are found with SQL comparisons and their values read
only as text (:func:`out_of_range_values`), and the other checks leave them out of their sums
and comparisons in SQL: a sum that includes an unreadable number is unknown, and the row is
reported once, by the check that can say what is wrong with it."""

import operator
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from functools import reduce

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Model,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from config.core.numbers import plain_number
from inventory.models import Lot, Part, StockBalance, StockMovement, StockStatus, StorageLocation
from inventory.stock.quantities import DECIMAL_PLACES, MAX_DIGITS, QUANTITY_LIMIT
from inventory.stock.services import PART_TOTALS

# What a balance is the sum of.
KEY = ("part_id", "location_id", "lot_id", "status")
# What balance_mismatches' statement returns for each key.
COLUMNS = (*KEY, "total", "movements", "last_movement", "pk", "quantity")
TEXT = CharField()
QUANTITY_FIELD = DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
IN_RANGE = f"|value| < {plain_number(QUANTITY_LIMIT)}"
# Below SQLite's limit on the parameters of one statement.
_BATCH = 900
_SQLITE_DIGITS = Context(prec=15)


@dataclass
class Violation:
    """One broken invariant, with the rows it concerns. Numbers are text as people write
    them (``expected`` and ``found``), because a corrupt one may be no Decimal Django reads."""

    problem: str
    ids: dict[str, int | None] = field(default_factory=dict)
    part: str = ""
    location: str = ""
    lot: str = ""
    status: str = ""
    field: str = ""
    expected: str = ""
    found: str = ""


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    run: Callable[[], list[Violation]]


def _in_range(name: str) -> Q:
    # PostgreSQL's numeric can hold NaN and sorts it above every number: out of range.
    return Q(**{f"{name}__gt": -QUANTITY_LIMIT, f"{name}__lt": QUANTITY_LIMIT})


def _out_of_range(name: str) -> Q:
    return Q(**{f"{name}__gte": QUANTITY_LIMIT}) | Q(**{f"{name}__lte": -QUANTITY_LIMIT})


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _number(value: Decimal | str | None) -> str:
    if value is None:
        return ""
    try:
        return plain_number(Decimal(value))
    except InvalidOperation:  # text that is no number at all: show it as stored
        return str(value)


class _Names:
    """The IPNs, location codes and lot names of the rows a check reports: read once for all
    its violations, never per row, and not at all when there are none."""

    def __init__(self, rows: list[dict]):
        self.parts = _lookup(Part, "ipn", (row["part_id"] for row in rows))
        self.locations = _lookup(StorageLocation, "code", (row["location_id"] for row in rows))
        self.lots = _lookup(Lot, "name", (row["lot_id"] for row in rows))

    def where(self, row: dict) -> dict[str, str]:
        """The violation fields that say which balance ``row`` (with the KEY columns) is."""
        return {
            "part": self.parts.get(row["part_id"], f"#{row['part_id']}"),
            "location": self.locations.get(row["location_id"], f"#{row['location_id']}"),
            "lot": self.lots.get(row["lot_id"], f"#{row['lot_id']}") if row["lot_id"] else "",
            "status": row["status"],
        }


def _lookup(model: type[Model], name: str, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({pk for pk in ids if pk is not None})
    found: dict[int, str] = {}
    for start in range(0, len(wanted), _BATCH):
        rows = model.objects.filter(pk__in=wanted[start : start + _BATCH]).values_list("pk", name)
        found.update(rows)
    return found


def balance_mismatches() -> list[Violation]:
    """Every balance equals the sum of the movements of its (part, location, lot, status):
    balances whose movements add up to something else (no movements: zero), and groups of
    movements that have no balance row. A key with an out-of-range movement or balance is
    left to out_of_range_values: its sum is unknown, not wrong.

    One statement the ORM cannot express, a full outer join of the movements grouped by that
    key with the balances: both stacked (UNION ALL) and grouped together, so the database
    returns only the keys where they differ. Grouping the movements with the ORM and
    comparing every balance with its group here took 6-8 s on PostgreSQL and 10-14 s on
    SQLite for 1,000,000 movements and 162,609 balances (2 busy cores), most of it building a
    row per balance in Python; this takes 2.5 s and 4 s. SQLite adds decimals as floats, so
    its comparison lets through sums that differ only by float noise (0.1 + 0.2): each row
    is compared again here, in Decimal."""
    quote = connection.ops.quote_name
    key = ", ".join(quote(name) for name in KEY)
    # The limit is a constant of the code, written as a number literal (SQLite's driver would
    # send a Decimal parameter as text). PostgreSQL's NaN is >= it, so it counts as out of range.
    limit, quantity = int(QUANTITY_LIMIT), quote("quantity")
    in_range = f"{quantity} > {-limit} AND {quantity} < {limit}"
    out_of_range = f"{quantity} >= {limit} OR {quantity} <= {-limit}"
    # Sums of in-range rows only, even where HAVING drops the key: SQLite stops the whole
    # statement on an integer overflow.
    movements = f"CASE WHEN movement_id IS NOT NULL AND {in_range} THEN {quantity} END"
    balance = f"CASE WHEN balance_id IS NOT NULL AND {in_range} THEN {quantity} END"
    sql = f"""
        SELECT {key}, SUM({movements}), COUNT(movement_id), MAX(movement_id),
            MAX(balance_id), SUM({balance})
        FROM (
            SELECT {key}, {quote("id")} AS movement_id, NULL AS balance_id, {quote("quantity")}
            FROM {quote(StockMovement._meta.db_table)}
            UNION ALL
            SELECT {key}, NULL, {quote("id")}, {quote("quantity")}
            FROM {quote(StockBalance._meta.db_table)}
        ) AS ledger
        GROUP BY {key}
        HAVING COUNT(CASE WHEN {out_of_range} THEN 1 END) = 0
            AND (MAX(balance_id) IS NULL OR COALESCE(SUM({movements}), 0) <> SUM({balance}))
    """  # noqa: S608 - names from the models and a constant, no input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["total"] = _exact(row["total"]) if row["movements"] else Decimal(0)
        row["quantity"] = _exact(row["quantity"])
    rows = [row for row in rows if row["pk"] is None or row["total"] != row["quantity"]]
    names = _Names(rows)
    return [_balance_violation(names, row) for row in rows]


def _exact(value: float | int | Decimal | None) -> Decimal | None:
    if isinstance(value, float):
        # SQLite keeps 15 significant digits of a decimal; Django's converter reads it so too.
        return _SQLITE_DIGITS.create_decimal_from_float(value)
    return None if value is None else Decimal(value)


def _balance_violation(names: _Names, row: dict) -> Violation:
    problem = "balance differs from the sum of its movements"
    if row["pk"] is None:
        problem = "movements without a balance row"
    elif not row["movements"]:
        problem = "non-zero balance without movements"
    return Violation(
        problem=problem,
        ids={
            "balance": row["pk"],
            "movements": row["movements"],
            "last_movement": row["last_movement"],
        },
        **names.where(row),
        field="quantity",
        expected=_number(row["total"]),
        found="no balance row" if row["pk"] is None else _number(row["quantity"]),
    )


def part_total_mismatches() -> list[Violation]:
    """Every part's on-hand and on-order totals (PART_TOTALS) equal the sums of its balances
    of those statuses. One query over parts joined to their balances, which returns only the
    parts that differ (compared again here: SQLite adds decimals as floats). A part with an
    out-of-range total or balance is left to out_of_range_values."""
    fields = list(PART_TOTALS.values())
    zero = Value(Decimal(0), output_field=QUANTITY_FIELD)
    sums = {
        f"{total}_expected": Coalesce(
            Sum(
                "balances__quantity",
                filter=Q(balances__status=status) & _in_range("balances__quantity"),
            ),
            zero,
        )
        for status, total in PART_TOTALS.items()
    }
    unreadable = Q(balances__status__in=list(PART_TOTALS)) & _out_of_range("balances__quantity")
    agree = reduce(operator.and_, (Q(**{total: F(f"{total}_expected")}) for total in fields))
    rows = (
        Part.objects.order_by()
        .filter(*(_in_range(total) for total in fields))
        .values("pk", "ipn", *fields)
        .annotate(**sums, unreadable=Count("balances", filter=unreadable))
        .filter(unreadable=0)
        .exclude(agree)
    )
    return [
        Violation(
            problem="part total differs from the sum of its balances",
            ids={"part": row["pk"]},
            part=row["ipn"],
            field=total,
            expected=_number(row[f"{total}_expected"]),
            found=_number(row[total]),
        )
        for row in rows
        for total in fields
        if row[f"{total}_expected"] != row[total]
    ]


def out_of_range_values() -> list[Violation]:
    """No quantity, unit price, balance or part total whose absolute value reaches
    QUANTITY_LIMIT (nor NaN), and no movement of zero. Found by SQL comparisons and read
    as text only: Django's SQLite converter cannot read such a number as a Decimal. Three
    queries, one per table."""
    movements = list(
        StockMovement.objects.order_by()
        .filter(_out_of_range("quantity") | _out_of_range("unit_price") | Q(quantity=0))
        .values(
            "pk",
            *KEY,
            quantity_text=Cast("quantity", TEXT),
            unit_price_text=Cast("unit_price", TEXT),
            quantity_bad=_flag(_out_of_range("quantity")),
            unit_price_bad=_flag(_out_of_range("unit_price")),
            zero=_flag(Q(quantity=0)),
        )
    )
    balances = list(
        StockBalance.objects.order_by()
        .filter(_out_of_range("quantity"))
        .values("pk", *KEY, quantity_text=Cast("quantity", TEXT))
    )
    names = _Names(movements + balances)
    violations = []
    for row in movements:
        where = names.where(row)
        ids = {"movement": row["pk"]}
        for name in ("quantity", "unit_price"):
            if row[f"{name}_bad"]:
                violations.append(_range_violation("movement", ids, where, name, row))
        if row["zero"]:
            violations.append(
                Violation(
                    "movement of zero", ids, **where, field="quantity", expected="not 0", found="0"
                )
            )
    for row in balances:
        violations.append(
            _range_violation("balance", {"balance": row["pk"]}, names.where(row), "quantity", row)
        )
    fields = list(PART_TOTALS.values())
    parts = (
        Part.objects.order_by()
        .filter(reduce(operator.or_, (_out_of_range(total) for total in fields)))
        .values(
            "pk",
            "ipn",
            **{f"{total}_text": Cast(total, TEXT) for total in fields},
            **{f"{total}_bad": _flag(_out_of_range(total)) for total in fields},
        )
    )
    for row in parts:
        for total in fields:
            if row[f"{total}_bad"]:
                where = {"part": row["ipn"]}
                violations.append(_range_violation("part", {"part": row["pk"]}, where, total, row))
    return violations


def _range_violation(
    table: str, ids: dict, where: dict[str, str], name: str, row: dict
) -> Violation:
    return Violation(
        f"{table} {name.replace('_', ' ')} out of range",
        ids,
        **where,
        field=name,
        expected=IN_RANGE,
        found=_number(row[f"{name}_text"]),
    )


def negative_on_hand() -> list[Violation]:
    """No on-hand balance below zero. One query; the value is read as text, since a negative
    balance may also be out of range."""
    rows = list(
        StockBalance.objects.order_by()
        .filter(status=StockStatus.ON_HAND, quantity__lt=0)
        .values("pk", *KEY, quantity_text=Cast("quantity", TEXT))
    )
    names = _Names(rows)
    return [
        Violation(
            "negative on-hand balance",
            {"balance": row["pk"]},
            **names.where(row),
            field="quantity",
            expected=">= 0",
            found=_number(row["quantity_text"]),
        )
        for row in rows
    ]


CHECKS = (
    Check("balances", "Balances equal the sum of their movements", balance_mismatches),
    Check("part_totals", "Part totals equal the sum of their balances", part_total_mismatches),
    Check("ranges", "Values in range, no movement of zero", out_of_range_values),
    Check("negative_on_hand", "No negative on-hand balance", negative_on_hand),
)


@contextmanager
def snapshot() -> Iterator[None]:
    """One view of the ledger for all the checks, so that a stock operation committing
    between two of their queries cannot show as a mismatch. PostgreSQL: one read-only
    REPEATABLE READ transaction. SQLite's transactions here take the write lock when they
    begin (IMMEDIATE, config/settings.py) and would stop every writer for the whole check,
    so there each query reads on its own: check a quiet database, or check again."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
