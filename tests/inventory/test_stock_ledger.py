import pytest

from config.core.models import ChangelogEntry
from inventory.models import Lot, StockMovement

from .stock_helpers import assert_ledger_matches_balances, location, on_hand, part, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    return location("A1")


@pytest.fixture
def resistor():
    return part("RES-1")


def post(client, op, body, **headers):
    return client.post(f"/api/v1/stock/{op}", body, format="json", **headers)


def test_receive_writes_a_movement_and_returns_the_balance(as_clerk, shelf, resistor):
    response = post(
        as_clerk,
        "add",
        {
            "ipn": "RES-1",
            "location": "A1",
            "quantity": "100",
            "unit_price": "0.012",
            "currency": "eur",
            "comment": "reel from supplier",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["operation"] == "add"
    [movement] = body["movements"]
    assert movement["quantity"] == "100"
    assert movement["currency"] == "EUR"
    assert movement["actor"] == {"kind": "token", "name": "carl", "token_label": "fixture-carl"}
    assert body["balances"] == [
        {
            "ipn": "RES-1",
            "part_type": resistor.part_type.slug,
            "location": "A1",
            "location_path": "A1",
            "lot": None,
            "status": "on_hand",
            "quantity": "100",
            "updated_at": body["balances"][0]["updated_at"],
        }
    ]
    entry = ChangelogEntry.objects.get(entity_type="stock_operation")
    assert entry.entity_key == body["operation_id"]
    assert entry.changes["quantity"] == [None, "100"]


def test_receive_into_a_new_lot(as_clerk, shelf, resistor):
    response = post(
        as_clerk,
        "add",
        {
            "ipn": "RES-1",
            "location": "A1",
            "quantity": 5,
            "new_lot": {"expiry_date": "2027-01-01", "reference": "PO-7"},
        },
    )
    assert response.status_code == 201, response.json()
    lot = Lot.objects.get()
    assert lot.name.startswith("LOT-")
    assert lot.reference == "PO-7"
    assert response.json()["movements"][0]["lot"] == lot.name


def test_a_failed_receive_into_a_new_lot_creates_no_lot(as_clerk, resistor):
    location("FULL", is_full=True)
    response = post(
        as_clerk,
        "add",
        {"ipn": "RES-1", "location": "FULL", "quantity": 5, "new_lot": {"name": "L1"}},
    )
    assert response.status_code == 409
    assert not Lot.objects.exists()


def test_removing_more_than_on_hand_is_409_and_says_what_is_available(as_clerk, shelf, resistor):
    receive(resistor, shelf, 3)
    response = post(as_clerk, "remove", {"ipn": "RES-1", "location": "A1", "quantity": 5})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert body["available"] == "3"
    assert "Only 3 of RES-1" in body["detail"]
    assert on_hand(resistor) == 3


def test_remove_takes_the_oldest_lot_first(as_clerk, shelf, resistor):
    old = Lot.objects.create(name="OLD", expiry_date="2026-12-01")
    new = Lot.objects.create(name="NEW", expiry_date="2027-06-01")
    receive(resistor, shelf, 10, lot=new)
    receive(resistor, shelf, 4, lot=old)
    response = post(as_clerk, "remove", {"ipn": "RES-1", "location": "A1", "quantity": 6})
    assert response.status_code == 201
    taken = {m["lot"]: m["quantity"] for m in response.json()["movements"]}
    assert taken == {"OLD": "-4", "NEW": "-2"}
    assert_ledger_matches_balances()


def test_remove_from_a_named_lot(as_clerk, shelf, resistor):
    lot = Lot.objects.create(name="L1")
    receive(resistor, shelf, 10)
    receive(resistor, shelf, 10, lot=lot)
    response = post(
        as_clerk, "remove", {"ipn": "RES-1", "location": "A1", "quantity": 7, "lot": "L1"}
    )
    assert [m["lot"] for m in response.json()["movements"]] == ["L1"]


def test_pieces_must_be_whole_but_metres_may_be_fractional(as_clerk, shelf, resistor):
    response = post(as_clerk, "add", {"ipn": "RES-1", "location": "A1", "quantity": "1.5"})
    assert response.status_code == 400
    assert "quantity" in response.json()["errors"]
    part("WIRE-1", unit_of_measure="m")
    assert (
        post(as_clerk, "add", {"ipn": "WIRE-1", "location": "A1", "quantity": "1.5"}).status_code
        == 201
    )


@pytest.mark.parametrize("quantity", ["0", "-1", "abc"])
def test_non_positive_or_garbage_quantities_are_400(as_clerk, shelf, resistor, quantity):
    assert (
        post(as_clerk, "add", {"ipn": "RES-1", "location": "A1", "quantity": quantity}).status_code
        == 400
    )


def test_unknown_part_or_location_is_400_with_field_errors(as_clerk, shelf):
    response = post(as_clerk, "add", {"ipn": "NOPE", "location": "ZZ", "quantity": 1})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"ipn", "location"}


def test_operation_bodies_do_not_share_validation_state(as_clerk, shelf, resistor):
    # The operation serializers copy their fields shallowly (see _OperationSerializer): a
    # rejected body must leave nothing behind for the next one, and the reverse.
    receive(resistor, shelf, 10)
    bad = {"ipn": "NOPE", "location": "A1", "quantity": "abc", "comment": "x" * 501}
    good = {"ipn": "RES-1", "location": "A1", "quantity": "1"}
    for body, status in [(bad, 400), (good, 201), (bad, 400), (good, 201)]:
        response = post(as_clerk, "remove", body)
        assert response.status_code == status, response.json()
        if status == 400:
            assert set(response.json()["errors"]) == {"ipn", "quantity", "comment"}
        else:
            assert response.json()["balances"][0]["quantity"] in {"9", "8"}
    assert on_hand(resistor, shelf) == 8


def test_move_keeps_lots_and_the_ledger_balanced(as_clerk, shelf, resistor):
    lot = Lot.objects.create(name="L1")
    receive(resistor, shelf, 10, lot=lot)
    location("B2")
    response = post(
        as_clerk,
        "move",
        {"ipn": "RES-1", "from_location": "A1", "to_location": "B2", "quantity": 4},
    )
    assert response.status_code == 201, response.json()
    moved = [(m["location"], m["lot"], m["quantity"]) for m in response.json()["movements"]]
    assert moved == [("A1", "L1", "-4"), ("B2", "L1", "4")]
    assert len({m["operation_id"] for m in response.json()["movements"]}) == 1
    assert_ledger_matches_balances()


def test_move_can_split_into_a_new_lot(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10, lot=Lot.objects.create(name="L1"))
    location("B2")
    response = post(
        as_clerk,
        "move",
        {
            "ipn": "RES-1",
            "from_location": "A1",
            "to_location": "B2",
            "quantity": 4,
            "new_lot": {"name": "L1-split"},
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["movements"][-1]["lot"] == "L1-split"


def test_move_to_the_same_place_is_400(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10)
    response = post(
        as_clerk,
        "move",
        {"ipn": "RES-1", "from_location": "A1", "to_location": "A1", "quantity": 1},
    )
    assert response.status_code == 400


def test_adjust_records_the_difference(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10)
    response = post(as_clerk, "adjust", {"ipn": "RES-1", "location": "A1", "counted": 7})
    assert [m["quantity"] for m in response.json()["movements"]] == ["-3"]
    same = post(as_clerk, "adjust", {"ipn": "RES-1", "location": "A1", "counted": 7})
    assert same.json()["movements"] == []
    assert on_hand(resistor) == 7


def test_adjust_asks_for_the_lot_when_several_are_there(as_clerk, shelf, resistor):
    receive(resistor, shelf, 1, lot=Lot.objects.create(name="L1"))
    receive(resistor, shelf, 1, lot=Lot.objects.create(name="L2"))
    response = post(as_clerk, "adjust", {"ipn": "RES-1", "location": "A1", "counted": 7})
    assert response.status_code == 400
    assert response.json()["code"] == "lot_required"
    ok = post(as_clerk, "adjust", {"ipn": "RES-1", "location": "A1", "counted": 7, "lot": "L2"})
    assert ok.status_code == 201


def test_status_moves_quantity_between_statuses(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10)
    response = post(
        as_clerk,
        "status",
        {
            "ipn": "RES-1",
            "location": "A1",
            "quantity": 4,
            "from_status": "on_hand",
            "to_status": "reserved",
        },
    )
    assert response.status_code == 201
    statuses = {b["status"]: b["quantity"] for b in response.json()["balances"]}
    assert statuses == {"on_hand": "6", "reserved": "4"}
    too_much = post(
        as_clerk,
        "status",
        {
            "ipn": "RES-1",
            "location": "A1",
            "quantity": 5,
            "from_status": "reserved",
            "to_status": "allocated",
        },
    )
    assert too_much.status_code == 409


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"is_full": True}, "location_full"),
        ({"archived": True}, "location_archived"),
        ({"existing_parts_only": True}, "location_existing_parts_only"),
    ],
)
def test_location_settings_are_enforced(as_clerk, resistor, settings, code):
    location("X", **settings)
    response = post(as_clerk, "add", {"ipn": "RES-1", "location": "X", "quantity": 1})
    assert response.status_code == 409
    assert response.json()["code"] == code


def test_single_part_location_refuses_a_second_part(as_clerk, resistor):
    bin_ = location("BIN", single_part=True)
    receive(resistor, bin_, 1)
    part("CAP-1")
    response = post(as_clerk, "add", {"ipn": "CAP-1", "location": "BIN", "quantity": 1})
    assert response.status_code == 409
    assert response.json()["code"] == "location_single_part"
    assert (
        post(as_clerk, "add", {"ipn": "RES-1", "location": "BIN", "quantity": 1}).status_code == 201
    )


def test_viewer_cannot_move_stock(as_viewer, shelf, resistor):
    assert (
        post(as_viewer, "add", {"ipn": "RES-1", "location": "A1", "quantity": 1}).status_code == 403
    )


def test_deleting_a_part_with_movements_is_409(as_manager, shelf, resistor):
    receive(resistor, shelf, 1)
    response = as_manager.delete(f"/api/v1/parts/{resistor.part_type.slug}/RES-1")
    assert response.status_code == 409
    assert StockMovement.objects.filter(part=resistor).exists()


def test_idempotency_key_replays_the_first_response(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10)
    body = {"ipn": "RES-1", "location": "A1", "quantity": 2}
    first = post(as_clerk, "remove", body, HTTP_IDEMPOTENCY_KEY="k-1")
    second = post(as_clerk, "remove", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert StockMovement.objects.filter(operation="remove").count() == 1
    assert on_hand(resistor) == 8


def test_idempotency_key_with_a_different_body_is_422(as_clerk, shelf, resistor):
    receive(resistor, shelf, 10)
    post(
        as_clerk,
        "remove",
        {"ipn": "RES-1", "location": "A1", "quantity": 2},
        HTTP_IDEMPOTENCY_KEY="k",
    )
    response = post(
        as_clerk,
        "remove",
        {"ipn": "RES-1", "location": "A1", "quantity": 3},
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize("key", ["\x00", "k\x1f", "x" * 256])
def test_an_idempotency_key_that_is_not_1_to_255_printable_characters_is_400(
    as_clerk, shelf, resistor, key
):
    """A NUL in the key was a 500 on PostgreSQL (it cannot store one); nothing is written."""
    receive(resistor, shelf, 10)
    body = {"ipn": "RES-1", "location": "A1", "quantity": 2}
    response = post(as_clerk, "remove", body, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_idempotency_key"
    assert on_hand(resistor) == 10


def test_a_refusal_is_replayed_too(as_clerk, shelf, resistor):
    body = {"ipn": "RES-1", "location": "A1", "quantity": 2}
    assert post(as_clerk, "remove", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 409
    receive(resistor, shelf, 10)
    assert post(as_clerk, "remove", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 409
    assert on_hand(resistor) == 10


def test_idempotency_keys_are_per_user(api, clerk, shelf, resistor):
    from tests.conftest import make_user

    receive(resistor, shelf, 10)
    other = api(make_user("cleo", "clerk"))
    body = {"ipn": "RES-1", "location": "A1", "quantity": 1}
    post(api(clerk), "remove", body, HTTP_IDEMPOTENCY_KEY="same")
    post(other, "remove", body, HTTP_IDEMPOTENCY_KEY="same")
    assert on_hand(resistor) == 8
