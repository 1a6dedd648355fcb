"""A clerk at the scanner: the pages work in a real browser, with htmx swapping each step."""

import pytest
from playwright.sync_api import expect

from inventory.models import StockMovement
from tests.inventory.stock_helpers import location, on_hand, part, receive

pytestmark = pytest.mark.e2e


def scan(page, *texts: str) -> None:
    for text in texts:
        box = page.locator("#scan-form input[name=scan]")
        box.fill(text)
        box.press("Enter")
        # htmx replaces the form; wait until the new one has settled before the next scan.
        expect(page.locator("#scan-form input[name=scan]")).to_have_value("")


def test_a_clerk_receives_stock_by_scanning_part_location_and_quantity(logged_in, live_server):
    resistor = part("RES-00001", mpn="RC0603FR-0710KL")
    shelf = location("A1-03")
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/receive")
    scan(page, "RES-00001", "A1-03", "25")
    expect(page.locator("#scan-form [role=status]")).to_contain_text("RES-00001")
    assert on_hand(resistor, shelf) == 25
    assert StockMovement.objects.filter(part=resistor, operation="add").count() == 1


def test_picking_more_than_on_hand_is_refused_inline_and_changes_nothing(logged_in, live_server):
    resistor = part("RES-00001")
    shelf = location("A1-03")
    receive(resistor, shelf, 3)
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/pick")
    scan(page, "RES-00001", "A1-03")
    box = page.locator("#scan-form input[name=scan]")
    box.fill("5")
    box.press("Enter")
    expect(page.locator("#scan-form [role=alert]").first).to_contain_text(
        "Only 3 of RES-00001 on hand at A1-03"
    )
    assert on_hand(resistor, shelf) == 3
