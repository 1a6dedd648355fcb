"""A clerk at the scanner: the pages work in a real browser, with htmx swapping each step."""

import pytest
from django.db import connection
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


def scanner_types(page, text: str) -> None:
    """What a handheld scanner does: type into whatever has the focus, then Enter. Unlike
    ``fill``, nothing clears the box first, so text left in it would prefix this scan. The
    clerk scans once the cursor is in the scan box: the page must put it there by itself
    (Chromium focuses an autofocus field only after the load event, which ``goto`` waits
    for, so typing at once could land nowhere)."""
    expect(page.locator("#scan-form input[name=scan]")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def prompt(page):
    return page.locator("#scan-form label[for=id_scan]")


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


def test_after_an_unknown_scan_the_next_scan_is_read_on_its_own(logged_in, live_server):
    resistor = part("RES-00001")
    shelf = location("A1-03")
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/receive")
    scanner_types(page, "RES-00001")
    expect(prompt(page)).to_have_text("Scan a location label or type a location code.")
    scanner_types(page, "ZZ-99B")
    expect(page.locator("#scan-form")).to_contain_text("Nothing is known as “ZZ-99B”")
    box = page.locator("#scan-form input[name=scan]")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    scanner_types(page, "A1-03")
    expect(prompt(page)).to_have_text("Type the quantity and press Enter.")
    scanner_types(page, "4")
    expect(page.locator("#scan-form [role=status]")).to_contain_text(
        "Received 4 x RES-00001 into A1-03"
    )
    assert on_hand(resistor, shelf) == 4


def test_after_an_over_pick_the_page_asks_for_a_new_quantity(logged_in, live_server):
    resistor = part("RES-00001")
    shelf = location("A1-03")
    receive(resistor, shelf, 3)
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/pick?part=RES-00001&location=A1-03")
    scanner_types(page, "5")
    expect(page.locator("#scan-form")).to_contain_text("cannot take 5")
    expect(prompt(page)).to_have_text("Type a new quantity and press Enter.")
    expect(page.locator("#scan-form input[name=scan]")).to_be_focused()
    scanner_types(page, "2")
    expect(page.locator("#scan-form [role=status]")).to_contain_text(
        "Picked 2 x RES-00001 from A1-03. 1 left there."
    )
    assert on_hand(resistor, shelf) == 1


def test_a_clerk_picks_from_a_listed_place_by_typing_its_number(logged_in, live_server):
    resistor = part("RES-00001")
    loose, in_lot = location("A-LOOSE"), location("B-LOT")
    receive(resistor, loose, 10)
    receive(resistor, in_lot, 6, new_lot={"name": "L-7"})
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/pick")
    scanner_types(page, "RES-00001")
    listed = page.locator("#scan-form .wc-scan-stock tbody tr")
    expect(listed).to_have_count(2)
    expect(listed.first).to_contain_text("first out")
    expect(listed.nth(1)).to_contain_text("L-7")
    scanner_types(page, "2")
    expect(prompt(page)).to_have_text("Type the quantity and press Enter.")
    expect(page.locator("#scan-form")).to_contain_text("On hand at B-LOT in lot L-7")
    scanner_types(page, "4")
    expect(page.locator("#scan-form [role=status]")).to_contain_text(
        "Picked 4 x RES-00001 from B-LOT"
    )
    assert (on_hand(resistor, loose), on_hand(resistor, in_lot)) == (10, 2)


@pytest.fixture
def database_refuses_movements(transactional_db):
    """The database refuses to write stock movements, as a full disk or a broken replica
    would: the app's own code runs unchanged and fails for real (a 500)."""
    table = StockMovement._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER e2e_refuse BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the e2e test'); END"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the e2e test'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER e2e_refuse BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION e2e_refuse()"
            )
        else:
            pytest.skip(f"no refusing trigger written for {connection.vendor}")

    def recover() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER IF EXISTS e2e_refuse"
                + (f" ON {table}" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION IF EXISTS e2e_refuse()")

    yield recover
    recover()


def test_a_server_error_is_shown_and_the_scan_can_be_retried(
    logged_in, live_server, database_refuses_movements
):
    resistor = part("RES-00001")
    shelf = location("A1-03")
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/receive?part=RES-00001&location=A1-03")
    scanner_types(page, "7")
    failure = page.locator("#scan-form [data-wc-request-error]")
    expect(failure).to_be_visible()
    expect(failure).to_have_attribute("role", "alert")
    expect(failure).to_contain_text("The server could not do this step (error 500).")
    box = page.locator("#scan-form input[name=scan]")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    assert on_hand(resistor, shelf) == 0
    # The server recovers; the clerk scans again and the slots the page still holds are used.
    database_refuses_movements()
    scanner_types(page, "7")
    expect(page.locator("#scan-form [role=status]")).to_contain_text(
        "Received 7 x RES-00001 into A1-03"
    )
    expect(failure).to_have_count(1)
    expect(failure).to_be_hidden()
    assert on_hand(resistor, shelf) == 7


def test_a_lost_connection_is_shown_on_the_page(logged_in, live_server):
    part("RES-00001")
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/stock/receive")
    page.route("**/stock/receive", lambda route: route.abort("internetdisconnected"))
    scanner_types(page, "RES-00001")
    failure = page.locator("#scan-form [data-wc-request-error]")
    expect(failure).to_contain_text("No answer from the server: check the network")
    box = page.locator("#scan-form input[name=scan]")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    page.unroute("**/stock/receive")
    scanner_types(page, "RES-00001")
    expect(prompt(page)).to_have_text("Scan a location label or type a location code.")
    expect(failure).to_be_hidden()
