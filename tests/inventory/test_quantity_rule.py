"""The one quantity rule: every caller of the ledger (service, API, scanner pages, forms) refuses
the same values, the database refuses out-of-range rows, and a refused value changes nothing
and breaks no page."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from config.core.errors import ValidationFailed
from inventory.models import Part, StockBalance, StockMovement
from inventory.stock import services as ledger
from inventory.stock.quantities import QUANTITY_LIMIT, check_quantity, looks_like_barcode
from tests.inventory.stock_helpers import (
    SYSTEM,
    assert_ledger_matches_balances,
    location,
    on_hand,
    part,
    receive,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = [
    "99999999999999999999",
    "4006381333931",
    "1e9",
    "1E+3",
    "NaN",
    "Infinity",
    "-inf",
    "0.0000001",
    "12 pcs",
    "",
    "١٢",  # Arabic-Indic digits: Decimal() would read them, the rule does not
    "1_000",
]


# The rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_the_rule_refuses_text_that_is_not_a_plain_quantity(text):
    with pytest.raises(ValidationFailed) as refused:
        check_quantity(text)
    assert refused.value.code == "invalid_quantity"
    assert set(refused.value.errors) == {"quantity"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [("12", "12"), (" 2,5 ", "2.5"), (Decimal("1E+3"), "1000"), ("4000.000000", "4000"), (7, "7")],
)
def test_the_rule_returns_one_canonical_decimal(given, expected):
    assert str(check_quantity(given)) == expected


def test_the_largest_quantity_the_columns_hold_is_accepted_and_one_more_digit_is_not():
    assert check_quantity("999999999999.999999") == Decimal("999999999999.999999")
    with pytest.raises(ValidationFailed, match="at most 12 digits"):
        check_quantity("1000000000000")


@pytest.mark.parametrize(
    ("text", "barcode"),
    [("4006381333931", True), ("96385074", True), ("012345678905", True), ("1200", False)],
)
def test_long_runs_of_digits_look_like_barcodes(text, barcode):
    assert looks_like_barcode(text) is barcode


# The services, for every caller ----------------------------------------------------------------


@pytest.mark.parametrize("quantity", [*HOSTILE, Decimal("NaN"), Decimal("1E+20"), 2.5, True])
def test_receiving_a_hostile_quantity_is_refused_and_writes_nothing(quantity):
    resistor, shelf = part(), location("A1")
    with pytest.raises(ValidationFailed):
        ledger.stock_add(actor=SYSTEM, part=resistor, location=shelf, quantity=quantity)
    assert not StockMovement.objects.exists()
    assert not StockBalance.objects.exists()


def test_a_count_of_a_fraction_of_pieces_is_refused():
    resistor, shelf = part(), location("A1")
    with pytest.raises(ValidationFailed, match="counted in pieces") as refused:
        ledger.stock_adjust(actor=SYSTEM, part=resistor, location=shelf, counted="2.5")
    assert refused.value.errors == {"counted": [refused.value.errors["counted"][0]]}


def test_a_receipt_that_would_overflow_the_balance_is_refused():
    resistor, shelf = part(), location("A1")
    receive(resistor, shelf, "999999999999")
    with pytest.raises(ValidationFailed) as refused:
        receive(resistor, shelf, "1")
    assert refused.value.code == "quantity_out_of_range"
    assert on_hand(resistor) == Decimal("999999999999")
    assert StockMovement.objects.count() == 1
    assert_ledger_matches_balances()


def test_a_receipt_that_would_overflow_the_parts_total_is_refused():
    resistor, first, second = part(), location("A1"), location("A2")
    receive(resistor, first, "999999999999")
    with pytest.raises(ValidationFailed, match="the total of RES-1"):
        receive(Part.objects.get(pk=resistor.pk), second, "1")
    assert StockMovement.objects.count() == 1


def test_a_unit_price_out_of_range_is_refused():
    resistor, shelf = part(), location("A1")
    with pytest.raises(ValidationFailed) as refused:
        ledger.stock_add(
            actor=SYSTEM,
            part=resistor,
            location=shelf,
            quantity=1,
            unit_price="1e30",
            currency="EUR",
        )
    assert set(refused.value.errors) == {"unit_price"}


# The database ----------------------------------------------------------------------------------


def _movement(**fields) -> StockMovement:
    resistor, shelf = part(), location("A1")
    values = {
        "operation_id": "00000000-0000-0000-0000-000000000001",
        "operation": "add",
        "part": resistor,
        "location": shelf,
        "quantity": Decimal(1),
        "actor_kind": "system",
        "actor_name": "tests",
    }
    return StockMovement(**(values | fields))


@pytest.mark.parametrize(
    "quantity", [QUANTITY_LIMIT, -QUANTITY_LIMIT, Decimal(0), Decimal("1E+20")]
)
def test_the_database_refuses_a_movement_out_of_range(quantity):
    movement = _movement(quantity=quantity)
    # PostgreSQL's numeric(18, 6) overflows before the CHECK; SQLite has only the CHECK.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        movement.save()


def test_the_database_refuses_a_balance_out_of_range():
    resistor, shelf = part(), location("A1")
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        StockBalance.objects.create(
            part=resistor, location=shelf, status="ordered", quantity=-QUANTITY_LIMIT
        )


# The API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quantity", ["1e9", "99999999999999999999", 1e20, "NaN", "0.0000001", "2.5", "-3", 0]
)
def test_the_api_refuses_the_same_values(as_clerk, quantity):
    part(), location("A1")
    response = as_clerk.post(
        "/api/v1/stock/add",
        {"ipn": "RES-1", "location": "A1", "quantity": quantity},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in {"invalid", "invalid_quantity"}
    assert "quantity" in body["errors"]
    assert not StockMovement.objects.exists()


# The scanner pages -----------------------------------------------------------------------------


def _ready(clerk_browser, **extra) -> dict:
    part("RES-00001"), location("A1-03")
    return {"part": "RES-00001", "location": "A1-03", "nonce": "n-1", **extra}


@pytest.mark.parametrize("scan", ["99999999999999999999", "4006381333931", "1e9", "0.0000001"])
def test_the_receive_page_refuses_a_quantity_out_of_the_rule(clerk_browser, scan):
    state = _ready(clerk_browser)
    response = clerk_browser.post("/stock/receive", {**state, "scan": scan}, **HTMX)
    assert response.status_code == 422
    assert "is not a usable quantity" in response.content.decode()
    assert not StockMovement.objects.exists()
    for page in ["/parts", "/locations", "/stock/low", "/changelog", "/"]:
        assert clerk_browser.get(page).status_code == 200, page


def test_a_typed_quantity_field_is_read_by_the_same_rule(clerk_browser):
    state = _ready(clerk_browser, quantity="1e9")
    response = clerk_browser.post("/stock/receive", {**state, "scan": ""}, **HTMX)
    assert response.status_code == 422
    assert "no exponent" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_a_barcode_scanned_as_the_quantity_waits_for_it_to_be_typed_again(clerk_browser):
    state = _ready(clerk_browser)
    response = clerk_browser.post("/stock/receive", {**state, "scan": "96385074"}, **HTMX)
    assert response.status_code == 200
    assert "looks like a barcode" in response.content.decode()
    assert not StockMovement.objects.exists()
    held = response.context["form"].initial
    assert held["unconfirmed"] == "96385074"
    # The scanner's own Enter, or a hurried clerk's, sends nothing new: still nothing received.
    again = clerk_browser.post("/stock/receive", {**held, "scan": ""}, **HTMX)
    assert not StockMovement.objects.exists()
    held = again.context["form"].initial | {"unconfirmed": "96385074"}
    # Typing the same number again is the deliberate confirmation.
    response = clerk_browser.post("/stock/receive", {**held, "scan": "96385074"}, **HTMX)
    assert response.status_code == 200
    assert "Received 96,385,074 x RES-00001 into A1-03." in response.content.decode()
    assert StockMovement.objects.get().quantity == 96385074


def test_after_a_barcode_a_small_typed_quantity_is_taken_at_once(clerk_browser):
    state = _ready(clerk_browser)
    response = clerk_browser.post("/stock/receive", {**state, "scan": "4006381333"}, **HTMX)
    held = response.context["form"].initial
    response = clerk_browser.post("/stock/receive", {**held, "scan": "12"}, **HTMX)
    assert response.status_code == 200
    assert StockMovement.objects.get().quantity == 12
