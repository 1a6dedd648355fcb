"""config.statements must read and write exactly what the ORM would: the ledger, the token
check and the stock lookups rely on it. Each test compares its instances with the ORM's,
field by field, on whichever database the suite runs on."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from config import statements
from inventory.models import ChangelogEntry, Lot, Part, StockBalance, StockMovement
from tests.conftest import make_user
from tests.inventory.stock_helpers import location, part

pytestmark = pytest.mark.django_db


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_select_returns_the_orm_s_values_for_every_field_type():
    resistor = part("RES-1", low_stock_threshold=Decimal("12.5"), info={"resistance": 10000})
    Part.objects.filter(pk=resistor.pk).update(on_hand_total=Decimal("2.25"))

    [found] = statements.select(Part, {"ipn": "RES-1"})

    orm = Part.objects.get(pk=resistor.pk)
    assert fields_of(found) == fields_of(orm)
    assert found.shortfall == Decimal("10.25")  # a generated column
    assert found.info == {"resistance": 10000}  # JSON
    assert found._state.adding is False and found._state.db == "default"


def test_select_filters_on_null_comparisons_and_orders():
    resistor, bin_a, bin_b = part(), location("A"), location("B")
    lot = Lot.objects.create(name="L1", expiry_date=date(2030, 1, 1))
    rows = [
        StockBalance.objects.create(part=resistor, location=bin_b, quantity=Decimal(3)),
        StockBalance.objects.create(part=resistor, location=bin_a, quantity=Decimal(0)),
        StockBalance.objects.create(part=resistor, location=bin_a, lot=lot, quantity=Decimal(5)),
    ]

    without_lot = statements.select(StockBalance, {"part": resistor, "lot": None})
    assert {b.pk for b in without_lot} == {rows[0].pk, rows[1].pk}

    stocked = statements.select(
        StockBalance, {"part": resistor.pk, "quantity__gt": Decimal(0)}, order_by=["location"]
    )
    assert [b.pk for b in stocked] == [rows[2].pk, rows[0].pk]
    assert stocked[0].quantity == Decimal(5)

    assert statements.select(StockBalance, {"part": resistor}, limit=1)[0].part_id == resistor.pk


def test_related_rows_come_from_the_same_query():
    user = make_user("alice", role="clerk")
    token = ApiToken.objects.create(user=user, label="ci", token_hash="a" * 64, hint="abc")

    with CaptureQueriesContext(connection) as captured:
        [found] = statements.select(ApiToken, {"token_hash": "a" * 64}, related=["user"])
        assert found.user.username == "alice"
    assert len(captured) == 1
    assert fields_of(found) == fields_of(token)
    assert fields_of(found.user) == fields_of(type(user).objects.get(pk=user.pk))


def test_a_missing_nullable_relation_is_none_without_a_query():
    resistor, bin_a = part(), location("A")
    lot = Lot.objects.create(name="L1")
    StockBalance.objects.create(part=resistor, location=bin_a, quantity=Decimal(1))
    StockBalance.objects.create(part=resistor, location=bin_a, lot=lot, quantity=Decimal(2))

    with CaptureQueriesContext(connection) as captured:
        balances = statements.select(
            StockBalance, {"part": resistor}, related=["lot", "location"], order_by=["quantity"]
        )
        assert [b.lot and b.lot.name for b in balances] == [None, "L1"]
        assert {b.location.code for b in balances} == {"A"}
    assert len(captured) == 1


def test_insert_writes_what_the_orm_reads_back():
    resistor, bin_a = part(), location("A")
    at = timezone.now() - timedelta(days=1)
    movement = StockMovement(
        operation_id=uuid.uuid4(),
        operation="add",
        part=resistor,
        location=bin_a,
        quantity=Decimal("1.500001"),
        unit_price=Decimal("0.0125"),
        currency="EUR",
        actor_kind="system",
        actor_name="tests",
        at=at,
    )

    statements.insert(movement)

    assert movement.pk is not None and movement._state.adding is False
    assert fields_of(StockMovement.objects.get(pk=movement.pk)) == fields_of(movement)


def test_insert_applies_field_defaults_like_save():
    entry = ChangelogEntry(
        actor_kind="system",
        actor_name="tests",
        action="create",
        entity_type="thing",
        entity_key="1",
        changes={"name": [None, "x"], "count": [1, 2]},
    )
    statements.insert(entry)
    stored = ChangelogEntry.objects.get(pk=entry.pk)
    assert stored.changes == {"name": [None, "x"], "count": [1, 2]}
    assert stored.at == entry.at


def test_update_writes_only_the_named_fields():
    resistor, bin_a = part(), location("A")
    balance = StockBalance.objects.create(part=resistor, location=bin_a, quantity=Decimal(4))
    StockBalance.objects.filter(pk=balance.pk).update(status="reserved")  # someone else's change
    balance.quantity = Decimal("3.25")
    balance.updated_at = timezone.now()

    assert statements.update(balance, ["quantity", "updated_at"]) == 1

    stored = StockBalance.objects.get(pk=balance.pk)
    assert (stored.quantity, stored.updated_at, stored.status) == (
        Decimal("3.25"),
        balance.updated_at,
        "reserved",
    )


def test_increments_add_exactly_in_the_database():
    resistor = part(low_stock_threshold=Decimal(10))
    for delta in ("0.1", "0.2", "-0.05"):
        assert statements.increment(Part, resistor.pk, {"on_hand_total": Decimal(delta)}) == 1
    statements.increment(
        Part, resistor.pk, {"on_hand_total": Decimal(1), "on_order_total": Decimal(7)}
    )

    stored = Part.objects.get(pk=resistor.pk)
    assert stored.on_hand_total == Decimal("1.25")
    assert stored.on_order_total == Decimal(7)
    assert stored.shortfall == Decimal("8.75")


def test_for_update_locks_rows_where_the_database_can():
    resistor, bin_a = part(), location("A")
    StockBalance.objects.create(part=resistor, location=bin_a, quantity=Decimal(1))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        statements.select(StockBalance, {"part": resistor}, for_update=True)
    [query] = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    assert query.endswith("FOR UPDATE") == connection.features.has_select_for_update


def test_unknown_comparisons_are_refused():
    with pytest.raises(ValueError, match="Unsupported comparison"):
        statements.select(Part, {"ipn__contains": "RES"})
    with pytest.raises(ValueError, match="cannot be compared with None"):
        statements.select(Part, {"low_stock_threshold__gt": None})


# --- Prepared ----------------------------------------------------------------------------------


def test_prepared_rows_equal_the_orm_s_values_list_for_each_new_parameter():
    part("RES-1", low_stock_threshold=Decimal("12.5"), info={"resistance": 10000})
    part("RES-2", info={"resistance": 22})

    def build(ipn):
        return Part.objects.filter(ipn=ipn).values_list(
            "ipn", "info", "low_stock_threshold", "created_at", "archived"
        )

    prepared = statements.Prepared(build)
    for ipn in ["RES-1", "RES-2", "RES-1", "nothing"]:
        with CaptureQueriesContext(connection) as captured:
            rows = prepared.rows(ipn)
        assert rows == list(build(ipn))
        assert len(captured) == 1
    assert prepared.rows("RES-1")[0][1:3] == ({"resistance": 10000}, Decimal("12.500000"))


def test_prepared_refuses_a_query_whose_shape_depends_on_its_values():
    # An IN list compiles to one parameter per value: the SQL changes with their number.
    prepared = statements.Prepared(
        lambda *ipns: Part.objects.filter(ipn__in=["RES-1", *ipns]).values_list("ipn")
    )
    with pytest.raises(ValueError, match="cannot be prepared"):
        prepared.rows("RES-2")


def test_prepared_refuses_fields_mixed_with_annotations():
    prepared = statements.Prepared(
        lambda ipn: (
            Part.objects.filter(ipn=ipn).annotate(twice=F("id") * 2).values_list("ipn", "twice")
        )
    )
    with pytest.raises(ValueError, match="fields or annotations"):
        prepared.rows("RES-1")
