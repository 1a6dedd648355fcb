"""`manage.py check_ledger`: a ledger written by the services passes; each kind of corruption,
written around the services (and around the database's CHECK constraints where it has them),
is reported with its rows and a non-zero exit."""

import json
import uuid
from contextlib import contextmanager
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from inventory.models import Lot, Part, StockBalance, StockMovement
from inventory.stock import services as ledger

from .stock_helpers import SYSTEM, location, part, receive

pytestmark = pytest.mark.django_db

CHECK_NAMES = ["balances", "part_totals", "ranges", "negative_on_hand"]


@pytest.fixture
def stock():
    """RES-1 received, picked, moved, ordered and reserved through the services:
    A1: lot L1 60 on hand, no lot 20 on hand; B1: lot L1 35 on hand and 5 reserved, no lot 25
    ordered. WIRE-1, counted in metres, holds 0.1 + 0.2 m (SQLite adds those as floats)."""
    resistor, wire = part("RES-1"), part("WIRE-1", unit_of_measure=Part.UnitOfMeasure.METRES)
    a1, b1 = location("A1"), location("B1")
    receive(
        resistor,
        a1,
        100,
        new_lot={"name": "L1"},
        unit_price=Decimal("0.012"),
        currency="EUR",
    )
    receive(resistor, a1, 50)
    ledger.stock_remove(actor=SYSTEM, part=resistor, location=a1, quantity=Decimal(30))
    lot = Lot.objects.get(name="L1")
    ledger.stock_move(
        actor=SYSTEM, part=resistor, from_location=a1, to_location=b1, quantity=Decimal(40), lot=lot
    )
    receive(resistor, b1, 25, status="ordered")
    ledger.stock_change_status(
        actor=SYSTEM,
        part=resistor,
        location=b1,
        quantity=Decimal(5),
        from_status="on_hand",
        to_status="reserved",
    )
    receive(wire, a1, "0.1")
    receive(wire, a1, "0.2")
    return SimpleNamespace(part=resistor, wire=wire, a1=a1, b1=b1, lot=lot)


def balance(stock, where, lot, status="on_hand") -> StockBalance:
    return StockBalance.objects.get(part=stock.part, location=where, lot=lot, status=status)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("check_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> str:
    out = StringIO()
    with pytest.raises(CommandError, match=r"^The ledger check found \d+ violations?"):
        call_command("check_ledger", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def report() -> dict[str, list[dict]]:
    """The JSON report of a failing check: each check's violations by its name."""
    parsed = json.loads(run_failing("--json"))
    assert parsed["ok"] is False
    assert parsed["violations"] == sum(check["count"] for check in parsed["checks"])
    return {check["name"]: check["violations"] for check in parsed["checks"]}


@contextmanager
def check_constraints_off():
    """Let the test write rows the database's CHECK constraints refuse, as an incident or a
    database written before them could hold. SQLite: switched off, then on again. PostgreSQL:
    the ledger tables' CHECK constraints dropped in the test's transaction, which the test's
    rollback restores."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        return
    assert connection.vendor == "postgresql", connection.vendor
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # The deferred foreign-key checks of the rows written so far must run first: a table
        # with pending trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in (Part, StockBalance, StockMovement):
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c'",
                [table],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield


def beyond_limit(sign: str) -> tuple[str, str]:
    """An SQL literal out of the ledger's range, and how the report spells it. SQLite stores
    any number; PostgreSQL's numeric(18, 6) holds nothing from 10^12 up, but it holds NaN."""
    if connection.vendor == "sqlite":
        return f"{sign}1e20", f"{sign.strip('+')}100000000000000000000"
    return "'NaN'", "NaN"


def set_raw(model, pk: int, column: str, literal: str) -> None:
    """Write a value the ORM would refuse to send (a number too large for the field)."""
    quote = connection.ops.quote_name
    with check_constraints_off(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = {literal} "  # noqa: S608 - test literals
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [pk],
        )


def test_a_ledger_written_by_the_services_has_no_violations(stock):
    out, err = run()
    for title in (
        "Balances equal the sum of their movements: 0 violations",
        "Part totals equal the sum of their balances: 0 violations",
        "Values in range, no movement of zero: 0 violations",
        "No negative on-hand balance: 0 violations",
    ):
        assert title in out
    assert out.rstrip().endswith("Ledger check: no violations in 4 checks.")
    # Progress goes to stderr, one line as each check starts and one as it ends.
    assert err.count("[1/4]") == 2
    assert "[4/4] 0 violations in " in err


def test_the_json_report_of_a_clean_ledger_parses(stock):
    out, _err = run("--json")
    parsed = json.loads(out)
    assert parsed["ok"] is True
    assert parsed["violations"] == 0
    assert [check["name"] for check in parsed["checks"]] == CHECK_NAMES
    assert all(check["count"] == 0 and check["violations"] == [] for check in parsed["checks"])


def test_an_empty_database_has_no_violations(db):
    out, _err = run()
    assert "Ledger check: no violations in 4 checks." in out


def test_a_balance_that_differs_from_its_movements_is_reported(stock):
    row = balance(stock, stock.a1, stock.lot)
    StockBalance.objects.filter(pk=row.pk).update(quantity=F("quantity") + 1)
    last = StockMovement.objects.filter(
        part=stock.part, location=stock.a1, lot=stock.lot, status="on_hand"
    ).latest("id")

    out = run_failing()

    assert "Balances equal the sum of their movements: 1 violation\n" in out
    assert (
        "balance differs from the sum of its movements: part RES-1, location A1, lot L1, "
        f"status on_hand: quantity expected 60, found 61 (balance {row.pk}, movements 2, "
        f"last movement {last.pk})"
    ) in out
    assert "Ledger check: 2 violations (balances 1, part_totals 1, ranges 0," in out
    [total] = report()["part_totals"]
    assert (total["field"], total["expected"], total["found"]) == ("on_hand_total", "116", "115")


def test_a_non_zero_balance_without_movements_is_reported(stock):
    c1 = location("C1")
    row = StockBalance.objects.create(
        part=stock.part, location=c1, status="reserved", quantity=Decimal(7)
    )

    violations = report()

    assert violations["balances"] == [
        {
            "problem": "non-zero balance without movements",
            "ids": {"balance": row.pk, "movements": 0, "last_movement": None},
            "part": "RES-1",
            "location": "C1",
            "lot": "",
            "status": "reserved",
            "field": "quantity",
            "expected": "0",
            "found": "7",
        }
    ]
    assert violations["part_totals"] == []  # reserved stock is in neither total


def test_movements_without_a_balance_row_are_reported(stock):
    ordered = balance(stock, stock.b1, None, "ordered")
    movement = StockMovement.objects.get(part=stock.part, status="ordered")
    ordered.delete()

    violations = report()

    [missing] = violations["balances"]
    assert missing["problem"] == "movements without a balance row"
    assert missing["ids"] == {"balance": None, "movements": 1, "last_movement": movement.pk}
    assert (missing["part"], missing["location"], missing["lot"], missing["status"]) == (
        "RES-1",
        "B1",
        "",
        "ordered",
    )
    assert (missing["expected"], missing["found"]) == ("25", "no balance row")
    [total] = violations["part_totals"]
    assert (total["field"], total["expected"], total["found"]) == ("on_order_total", "0", "25")


def test_a_part_total_that_differs_from_its_balances_is_reported(stock):
    Part.objects.filter(pk=stock.part.pk).update(on_order_total=Decimal(24))

    out = run_failing()

    assert "Part totals equal the sum of their balances: 1 violation\n" in out
    assert (
        "part total differs from the sum of its balances: part RES-1: on_order_total "
        f"expected 25, found 24 (part {stock.part.pk})"
    ) in out
    violations = report()
    assert violations["balances"] == []
    assert violations["part_totals"][0]["ids"] == {"part": stock.part.pk}


@pytest.mark.parametrize("sign", ["+", "-"])
@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("movement", "quantity"),
        ("movement", "unit_price"),
        ("balance", "quantity"),
        ("part", "on_hand_total"),
        ("part", "on_order_total"),
    ],
)
def test_an_out_of_range_value_is_reported_as_text(stock, table, column, sign):
    literal, shown = beyond_limit(sign)
    if table == "movement":
        model, row = StockMovement, StockMovement.objects.get(unit_price__isnull=False)
        where = ("RES-1", "A1", "L1", "on_hand")
    elif table == "balance":
        model, row = StockBalance, balance(stock, stock.b1, stock.lot)
        where = ("RES-1", "B1", "L1", "on_hand")
    else:
        model, row, where = Part, stock.part, ("RES-1", "", "", "")
    set_raw(model, row.pk, column, literal)

    violations = report()

    [found] = violations["ranges"]
    assert found["problem"] == f"{table} {column.replace('_', ' ')} out of range"
    assert found["ids"] == {table: row.pk}
    assert (found["part"], found["location"], found["lot"], found["status"]) == where
    assert (found["field"], found["expected"], found["found"]) == (
        column,
        "|value| < 1000000000000",
        shown,
    )
    # Reported once: the sums that would include it are unknown, not wrong.
    assert violations["balances"] == []
    assert violations["part_totals"] == []


def test_a_movement_of_zero_is_reported(stock):
    with check_constraints_off():
        zero = StockMovement.objects.create(
            operation_id=uuid.uuid4(),
            operation=StockMovement.Operation.ADJUST,
            part=stock.part,
            location=stock.a1,
            lot=stock.lot,
            quantity=Decimal(0),
            actor_kind="system",
            actor_name="incident",
        )

    violations = report()

    assert violations["ranges"] == [
        {
            "problem": "movement of zero",
            "ids": {"movement": zero.pk},
            "part": "RES-1",
            "location": "A1",
            "lot": "L1",
            "status": "on_hand",
            "field": "quantity",
            "expected": "not 0",
            "found": "0",
        }
    ]
    assert violations["balances"] == []


def test_a_negative_on_hand_balance_is_reported(stock):
    row = balance(stock, stock.a1, None)
    with check_constraints_off():
        StockBalance.objects.filter(pk=row.pk).update(quantity=Decimal(-5))

    out = run_failing()

    assert "No negative on-hand balance: 1 violation\n" in out
    assert (
        "negative on-hand balance: part RES-1, location A1, no lot, status on_hand: quantity "
        f"expected >= 0, found -5 (balance {row.pk})"
    ) in out
    [mismatch] = report()["balances"]
    assert (mismatch["expected"], mismatch["found"]) == ("20", "-5")
