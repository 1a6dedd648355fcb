"""Quantities as the UI shows them (the `qty` filter): thousands separated, no trailing zeros,
signs kept. The API and exports keep plain numbers."""

from decimal import Decimal

import pytest

from config.core.roles import Role
from inventory.templatetags.stock_tags import qty
from tests.conftest import make_user
from tests.inventory.stock_helpers import location, part, receive


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("4000.000000"), "4,000"),
        (Decimal("1234.5"), "1,234.5"),
        (Decimal("-1234.500000"), "-1,234.5"),
        (Decimal("999999999999.999999"), "999,999,999,999.999999"),
        (Decimal("1E+3"), "1,000"),
        (Decimal("0.000000"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("0.0000010"), "0.000001"),
        (96385074, "96,385,074"),
        (12, "12"),
        (0.1, "0.1"),
        ("2500", "2,500"),
        (None, ""),
        ("", ""),
        ("n/a", "n/a"),  # not a number: shown as given, never an error
    ],
)
def test_qty_separates_thousands_and_drops_trailing_zeros(value, shown):
    assert qty(value) == shown


@pytest.mark.django_db
def test_pages_show_quantities_with_separators_and_the_api_does_not(client, as_viewer):
    resistor, shelf = part("RES-00001"), location("A1-03")
    receive(resistor, shelf, "4000")
    client.force_login(make_user("cleo", Role.CLERK))

    location_page = client.get("/locations/A1-03").content.decode()
    step = client.post(
        "/stock/pick",
        {"part": "RES-00001", "location": "A1-03", "nonce": "n-1", "scan": "1500"},
        HTTP_HX_REQUEST="true",
    ).content.decode()

    assert ">4,000<" in location_page
    assert "Picked 1,500 x RES-00001 from A1-03. 2,500 left there." in step
    api = as_viewer.get(f"/api/v1/parts/{resistor.part_type.slug}/RES-00001/stock")
    assert api.status_code == 200
    body = api.content.decode()
    assert '"on_hand":"2500' in body and "2,500" not in body
