"""The clerk UI of stock: the scanner pages, the location browser, low stock and the part's
stock fragment."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.core.models import IdempotencyRecord
from config.core.roles import Role
from inventory.models import Lot, StockMovement, StorageLocation
from inventory.stock import queries
from inventory.stock.views import scan as scan_views
from tests.factories import LotFactory
from tests.inventory.stock_helpers import (
    assert_ledger_matches_balances,
    location,
    on_hand,
    part,
    receive,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def step(client, url, scan, state=None, **extra):
    """Post one scanner step (as htmx does) and return the response and the next state: the
    field values the returned form carries."""
    response = client.post(url, {**(state or {}), "scan": scan}, **HTMX, **extra)
    return response, response.context["form"]


def next_state(form) -> dict:
    if form.is_bound:
        return {name: form[name].value() or "" for name in form.fields}
    return {name: form.initial.get(name, "") for name in form.fields}


def scan_box(html: str) -> str:
    """The scan box's <input> tag, as the browser receives it."""
    return re.search(r'<input type="text" name="scan"[^>]*>', html).group(0)


def prompt_of(html: str) -> str:
    """The big label above the scan box: what the page asks for next."""
    return re.search(r'<label class="form-label fs-5" for="id_scan">([^<]*)</label>', html)[1]


def stock_list(html: str) -> list[tuple[str, str, str]]:
    """The rows of "where the part is on hand": (number, location code, lot or "no lot")."""
    section = re.search(r'<section class="mb-3 wc-scan-stock".*?</section>', html, re.S)
    if section is None:
        return []
    rows = re.findall(
        r"<kbd>(\d)</kbd></td>\s*<td[^>]*>.*?<code>([^<]+)</code>.*?</td>\s*<td>(.*?)</td>",
        section.group(0),
        re.S,
    )
    return [(number, code, re.sub(r"<[^>]+>", "", lot)) for number, code, lot in rows]


def test_the_urls_are_named():
    assert reverse("inventory:stock-receive") == "/stock/receive"
    assert reverse("inventory:stock-pick") == "/stock/pick"
    assert reverse("inventory:stock-move") == "/stock/move"
    assert reverse("inventory:stock-count") == "/stock/count"
    assert reverse("inventory:low-stock") == "/stock/low"
    assert reverse("inventory:location-list") == "/locations"


# Scanner pages ---------------------------------------------------------------------------


def test_the_receive_page_has_one_autofocused_scan_box(clerk_browser):
    html = clerk_browser.get("/stock/receive").content.decode()
    assert "<title>Receive · Warecache</title>" in html
    assert 'id="scan-form"' in html and 'hx-post="/stock/receive"' in html
    assert html.count("autofocus") == 1
    assert "Scan a part label or type an IPN." in html


def test_scanning_an_ipn_a_location_and_a_quantity_receives_stock(clerk_browser):
    resistor, shelf = part("RES-00001"), location("A1-03")
    response, form = step(clerk_browser, "/stock/receive", "RES-00001")
    assert response.status_code == 200
    assert "Scan a location label" in response.content.decode()
    response, form = step(clerk_browser, "/stock/receive", "A1-03", next_state(form))
    assert "Type the quantity" in response.content.decode()
    assert not StockMovement.objects.exists()  # nothing until the last slot is filled
    response, form = step(clerk_browser, "/stock/receive", "5", next_state(form))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Received 5 x RES-00001 into A1-03. Now 5 on hand there." in html
    movement = StockMovement.objects.get()
    assert (movement.part, movement.location, movement.quantity) == (resistor, shelf, 5)
    assert movement.actor_name == "carl"  # the clerk_browser fixture's clerk
    assert form.initial.get("part") is None  # the form starts over
    assert_ledger_matches_balances()


def test_the_same_form_sent_twice_receives_once(clerk_browser):
    part("RES-00001"), location("A1")
    state = {"part": "RES-00001", "location": "A1", "nonce": "n-1"}
    first = clerk_browser.post("/stock/receive", {**state, "scan": "4"}, **HTMX)
    second = clerk_browser.post("/stock/receive", {**state, "scan": "4"}, **HTMX)
    assert first.status_code == second.status_code == 200
    assert StockMovement.objects.count() == 1
    assert "already done" in second.content.decode()


def test_picking_more_than_on_hand_is_refused_inline_and_writes_nothing(clerk_browser):
    resistor, shelf = part("RES-00001"), location("A1-03")
    receive(resistor, shelf, 3)
    before = StockMovement.objects.count()
    state = {"part": "RES-00001", "location": "A1-03", "nonce": "pick-1"}
    response, form = step(clerk_browser, "/stock/pick", "5", state)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Only 3 of RES-00001 on hand at A1-03; cannot take 5." in html
    assert 'class="alert alert-danger"' in html
    assert StockMovement.objects.count() == before
    assert on_hand(resistor, shelf) == 3
    # The slots are kept, with a new key, so a corrected quantity goes through.
    retry = next_state(form)
    assert retry["part"] == "RES-00001" and retry["nonce"] != "pick-1"
    response, _form = step(clerk_browser, "/stock/pick", "2", {**retry, "quantity": ""})
    assert response.status_code == 200
    assert "Picked 2 x RES-00001 from A1-03. 1 left there." in response.content.decode()
    assert_ledger_matches_balances()


def test_a_scanned_label_url_is_recognised(clerk_browser):
    part("RES-00001"), location("BIN-7")
    response, form = step(clerk_browser, "/stock/receive", "https://wc.example/s/p/RES-00001")
    assert form.initial["part"] == "RES-00001"
    response, form = step(clerk_browser, "/stock/receive", "/s/l/BIN-7", next_state(form))
    assert form.initial["location"] == "BIN-7"
    assert "Got it" in response.content.decode()


def test_an_unknown_scan_is_an_inline_error(clerk_browser):
    response, _form = step(clerk_browser, "/stock/receive", "NOPE-1")
    assert response.status_code == 422
    assert "Nothing is known as “NOPE-1”" in response.content.decode()


def test_a_move_fills_source_then_destination(clerk_browser):
    resistor, a, b = part("RES-00001"), location("A"), location("B")
    receive(resistor, a, 10)
    _r, form = step(clerk_browser, "/stock/move", "RES-00001")
    _r, form = step(clerk_browser, "/stock/move", "A", next_state(form))
    _r, form = step(clerk_browser, "/stock/move", "B", next_state(form))
    response, _form = step(clerk_browser, "/stock/move", "4", next_state(form))
    assert "Moved 4 x RES-00001 from A to B. Now 6 at A and 4 at B." in response.content.decode()
    assert (on_hand(resistor, a), on_hand(resistor, b)) == (6, 4)


def test_a_count_records_the_difference(clerk_browser):
    resistor, a = part("RES-00001"), location("A")
    receive(resistor, a, 10)
    state = {"part": "RES-00001", "location": "A"}
    response, _form = step(clerk_browser, "/stock/count", "7", state)
    assert "the ledger said 10, so -3 was recorded" in response.content.decode()
    assert on_hand(resistor, a) == 7


def test_receiving_into_a_new_lot_creates_it(clerk_browser):
    resistor, a = part("RES-00001"), location("A")
    state = {"part": "RES-00001", "location": "A", "lot": "L-NEW"}
    response, _form = step(clerk_browser, "/stock/receive", "3", state)
    assert response.status_code == 200
    assert StockMovement.objects.get().lot == Lot.objects.get(name="L-NEW")
    assert on_hand(resistor, a) == 3


def test_without_javascript_the_whole_page_comes_back(clerk_browser):
    part("RES-00001"), location("A")
    response = clerk_browser.post(
        "/stock/receive", {"part": "RES-00001", "location": "A", "quantity": "2", "scan": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Receive · Warecache</title>" in html
    assert "Received 2 x RES-00001" in html


def test_a_viewer_sees_the_page_read_only_and_cannot_post(viewer_browser):
    part("RES-00001"), location("A")
    html = viewer_browser.get("/stock/pick").content.decode()
    assert "<fieldset disabled>" in html
    response = viewer_browser.post(
        "/stock/pick", {"part": "RES-00001", "location": "A", "quantity": "1"}
    )
    assert response.status_code == 403
    assert not StockMovement.objects.exists()


def test_a_link_can_preset_the_part(clerk_browser):
    part("RES-00001")
    html = clerk_browser.get("/stock/receive", {"part": "RES-00001"}).content.decode()
    assert 'value="RES-00001"' in html
    assert "Scan a location label" in html


def test_commits_use_the_idempotency_table(clerk_browser):
    part("RES-00001"), location("A")
    clerk_browser.post(
        "/stock/receive", {"part": "RES-00001", "location": "A", "scan": "1", "nonce": "k"}
    )
    assert IdempotencyRecord.objects.filter(key="ui:receive:k").exists()


# Location browser -------------------------------------------------------------------------


def test_the_location_browser_shows_children_and_contents(viewer_browser):
    site = location("SITE", name="Site")
    shelf = location("SH-1", name="Shelf 1", parent=site)
    location("OLD", name="Old", parent=site, archived=True)
    resistor = part("RES-00001", description="10k resistor")
    receive(resistor, shelf, 12)
    html = viewer_browser.get("/locations").content.decode()
    assert "SITE" in html and "SH-1" not in html  # roots only
    html = viewer_browser.get("/locations/SITE").content.decode()
    assert "Shelf 1" in html and "Old" not in html
    assert "RES-00001" not in html  # not recursive by default
    html = viewer_browser.get("/locations/SITE", {"recursive": "on"}).content.decode()
    assert "RES-00001" in html and "10k resistor" in html and ">12<" in html
    html = viewer_browser.get("/locations/SITE", {"archived": "on"}).content.decode()
    assert "Old" in html
    html = viewer_browser.get("/locations/SH-1").content.decode()
    assert 'href="/locations/SITE">Site</a>' in html  # breadcrumbs
    assert "RES-00001" in html
    fragment = viewer_browser.get("/locations/SH-1", **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="location-browse"')


def test_location_contents_link_each_part_lot_and_location(viewer_browser):
    site = location("SITE", name="Site")
    shelf = location("SH-1", name="Shelf 1", parent=site)
    resistor = part("RES-00001")
    # A lot name that reverse() percent-encodes (IPNs and codes never need it).
    receive(resistor, shelf, 4000, lot=LotFactory(name="2024/05 reel"))
    receive(part("CAP-00001"), shelf, 2, status="ordered")
    html = viewer_browser.get("/locations/SITE", {"recursive": "on"}).content.decode()
    slug = resistor.part_type.slug
    assert f'<a href="/parts/{slug}/RES-00001">RES-00001</a>' in html
    assert '<a href="/lots/2024/05%20reel">2024/05 reel</a>' in html
    assert '<a href="/locations/SH-1"><code>SH-1</code></a>' in html
    assert ">On hand<" in html and ">Ordered<" in html and ">4,000<" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_location_page_costs_the_same_queries_whatever_its_contents(
    viewer_browser, rows, django_assert_num_queries
):
    shelf = location("SH-1", parent=location("SITE"))
    for n in range(rows):
        receive(part(f"RES-{n:05d}"), shelf, 5, lot=LotFactory(name=f"L-{n}"))
    # session, user, location, count, page of contents, breadcrumbs, children
    with django_assert_num_queries(7):
        response = viewer_browser.get("/locations/SH-1", {"recursive": "on"})
    assert response.content.decode().count("<tr>") == rows + 1


def test_location_contents_are_counted_and_paged_in_ipn_order(viewer_browser):
    shelf = location("SH-1", parent=location("SITE"))
    parts = [part(f"RES-{n:05d}") for n in reversed(range(101))]
    for each in parts:
        receive(each, shelf, 5)
    receive(parts[-1], shelf, 2, status="ordered")
    first = viewer_browser.get("/locations/SH-1").content.decode()
    assert "102 balances." in first
    ipns = re.findall(r">(RES-\d{5})</a>", first)
    assert ipns == sorted(ipns) and ipns[:2] == ["RES-00000", "RES-00000"] and len(ipns) == 100
    second = viewer_browser.get("/locations/SH-1", {"page": 2}).content.decode()
    assert "102 balances." in second
    assert re.findall(r">(RES-\d{5})</a>", second) == ["RES-00099", "RES-00100"]


def test_a_manager_creates_edits_and_archives_a_location(manager_browser):
    location("SITE", name="Site")
    response = manager_browser.post(
        "/locations", {"name": "Shelf", "code": "SH-9", "parent": "SITE"}
    )
    assert response.status_code == 302 and response["Location"] == "/locations/SH-9"
    shelf = StorageLocation.objects.get(code="SH-9")
    assert shelf.path == "Site / Shelf"
    response = manager_browser.post(
        "/locations/SH-9/edit", {"name": "Top shelf", "code": "SH-9", "parent": "SITE"}
    )
    assert response.status_code == 302
    shelf.refresh_from_db()
    assert shelf.path == "Site / Top shelf"
    manager_browser.post("/locations/SH-9/archive")
    shelf.refresh_from_db()
    assert shelf.archived


def test_a_duplicate_location_code_is_an_inline_error(manager_browser):
    location("SITE", name="Site")
    response = manager_browser.post("/locations", {"name": "Other", "code": "SITE"})
    assert response.status_code == 422
    assert "Another location has this code." in response.content.decode()


def test_a_clerk_cannot_create_locations(clerk_browser):
    response = clerk_browser.post("/locations", {"name": "X", "code": "X"})
    assert response.status_code == 403


def test_a_lot_page_lists_its_stock(viewer_browser):
    resistor, a = part("RES-00001"), location("A")
    receive(resistor, a, 5, new_lot={"name": "LOT-1"})
    html = viewer_browser.get("/lots/LOT-1").content.decode()
    assert "RES-00001" in html and ">5<" in html
    slug = resistor.part_type.slug
    assert f'<a href="/parts/{slug}/RES-00001">RES-00001</a>' in html
    assert '<a href="/locations/A">' in html and "<td>On hand</td>" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_a_lot_page_costs_the_same_queries_whatever_its_stock(
    viewer_browser, rows, django_assert_num_queries
):
    lot = LotFactory(name="LOT-1")
    for n in range(rows):
        receive(part(f"RES-{n:05d}"), location(f"A-{n}"), 5, lot=lot)
    # session, user, lot, its tags, count, page of balances
    with django_assert_num_queries(6):
        html = viewer_browser.get("/lots/LOT-1").content.decode()
    assert html.count('href="/locations/A-') == rows


# Low stock --------------------------------------------------------------------------------


def test_the_low_stock_page_lists_parts_under_threshold(viewer_browser):
    low = part("RES-00001", low_stock_threshold=Decimal(10), description="Low one")
    fine = part("RES-00002", low_stock_threshold=Decimal(1))
    a = location("A")
    receive(low, a, 4)
    receive(fine, a, 4)
    html = viewer_browser.get("/stock/low").content.decode()
    assert "RES-00001" in html and "Low one" in html and "RES-00002" not in html
    assert f'<a href="/parts/{low.part_type.slug}/RES-00001">RES-00001</a>' in html
    assert ">6<" in html  # the shortfall
    assert viewer_browser.get("/stock/low", {"page": "x"}).status_code == 422


@pytest.mark.parametrize("rows", [1, 30])
def test_the_low_stock_page_costs_the_same_queries_whatever_its_rows(
    viewer_browser, rows, django_assert_num_queries
):
    for n in range(rows):
        part(f"RES-{n:05d}", low_stock_threshold=Decimal(10))
    # session, user, count, page of parts (with their types)
    with django_assert_num_queries(4):
        html = viewer_browser.get("/stock/low").content.decode()
    assert html.count('<a href="/parts/') == rows


# The part's stock fragment ----------------------------------------------------------------


def render_part_stock(the_part) -> str:
    template = Template('{% include "inventory/stock/_part_stock.html" %}')
    return template.render(Context({"part": the_part}))


def test_the_part_stock_fragment_shows_locations_lots_chart_and_movements():
    resistor, a, b = part("RES-00001"), location("A"), location("B")
    receive(resistor, a, 10)
    receive(resistor, b, 3, new_lot={"name": "LOT-7"})
    html = render_part_stock(resistor)
    assert 'id="part-stock"' in html
    assert "LOT-7" in html and ">13<" in html  # the total
    assert "<svg" in html and "On hand over the last 90 days" in html
    assert html.count("<time") == 2


def test_the_part_stock_fragment_costs_a_constant_number_of_queries():
    few, many = part("RES-00001"), part("RES-00002")
    receive(few, location("A"), 1)
    for n in range(25):
        receive(many, location(f"L{n}"), n + 1, new_lot={"name": f"LOT-{n}"})
    with CaptureQueriesContext(connection) as one:
        render_part_stock(few)
    with CaptureQueriesContext(connection) as lots:
        render_part_stock(many)
    assert len(one) == len(lots) <= 5


def test_a_form_resent_with_other_values_is_refused_inline_not_a_500(clerk_browser):
    resistor, a = part("RES-00001"), location("A")
    state = {"part": "RES-00001", "location": "A", "nonce": "same"}
    clerk_browser.post("/stock/receive", {**state, "scan": "1"}, **HTMX)
    response = clerk_browser.post("/stock/receive", {**state, "scan": "2"}, **HTMX)
    assert response.status_code == 422
    assert "already used with a different request" in response.content.decode()
    assert on_hand(resistor, a) == 1


def test_managers_see_the_location_forms(manager_browser):
    location("SITE", name="Site")
    html = manager_browser.get("/locations/SITE").content.decode()
    assert "New location inside SITE" in html and 'value="SITE"' in html
    assert "Archive</button>" in html
    html = manager_browser.get("/locations/SITE/edit").content.decode()
    assert 'value="Site"' in html


def test_viewers_see_no_location_forms(viewer_browser):
    location("SITE", name="Site")
    html = viewer_browser.get("/locations/SITE").content.decode()
    assert "New location" not in html and "Archive</button>" not in html
    assert viewer_browser.get("/locations/SITE/edit").status_code == 403
    assert viewer_browser.post("/locations/SITE/archive").status_code == 403


def test_codes_are_found_whatever_their_case(clerk_browser):
    part("RES-00002"), location("A1-03")
    response, form = step(clerk_browser, "/stock/receive", "res-00002")
    response, form = step(clerk_browser, "/stock/receive", "a1-03", next_state(form))
    response, form = step(clerk_browser, "/stock/receive", "2", next_state(form))
    assert "Received 2 x RES-00002 into A1-03." in response.content.decode()


# Scanner pages: refusals ask again, with an empty scan box --------------------------------


@pytest.mark.parametrize("scan", ["ZZ-99B", "x" * 201, "1e9"])
def test_a_refused_scan_leaves_the_scan_box_empty_and_the_slots_kept(clerk_browser, scan):
    part("RES-00001"), location("A1-03")
    response, form = step(clerk_browser, "/stock/receive", scan, {"part": "RES-00001"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="invalid-feedback d-block"' in html  # the reason, under the scan box
    box = scan_box(html)
    assert "value=" not in box and "autofocus" in box
    # The next scan is read on its own, not appended to the refused one.
    response, form = step(clerk_browser, "/stock/receive", "A1-03", next_state(form))
    assert response.status_code == 200
    assert prompt_of(response.content.decode()) == "Type the quantity and press Enter."


def test_an_unknown_scan_says_so_and_the_page_still_asks_for_the_same_slot(clerk_browser):
    part("RES-00001"), location("A1-03")
    response, _form = step(clerk_browser, "/stock/receive", "ZZ-99B", {"part": "RES-00001"})
    html = response.content.decode()
    assert "Nothing is known as “ZZ-99B”" in html
    assert prompt_of(html) == "Scan a location label or type a location code."
    assert "ZZ-99B" not in scan_box(html)


@pytest.mark.parametrize(
    ("scan", "reason"),
    [
        ("5", "Only 3 of RES-00001 on hand at A1-03; cannot take 5."),
        ("-5", "must be greater than zero"),
        ("0", "must be greater than zero"),
        ("2.5", "must be a whole number: RES-00001 is counted in pieces"),
    ],
)
def test_a_refused_pick_quantity_asks_for_a_new_quantity(clerk_browser, scan, reason):
    resistor, shelf = part("RES-00001"), location("A1-03")
    receive(resistor, shelf, 3)
    state = {"part": "RES-00001", "location": "A1-03", "nonce": "pick-1"}
    response, form = step(clerk_browser, "/stock/pick", scan, state)
    assert response.status_code == 422
    html = response.content.decode()
    assert reason in html
    assert prompt_of(html) == "Type a new quantity and press Enter."
    assert "Press Enter to confirm" not in html
    assert "value=" not in scan_box(html)
    retry = next_state(form)
    assert retry["quantity"] == "" and retry["part"] == "RES-00001"
    # Enter on its own does not send the refused quantity again: the page still asks.
    response, form = step(clerk_browser, "/stock/pick", "", retry)
    assert response.status_code == 200
    assert prompt_of(response.content.decode()) == "Type the quantity and press Enter."
    assert on_hand(resistor, shelf) == 3
    response, _form = step(clerk_browser, "/stock/pick", "2", next_state(form))
    assert "Picked 2 x RES-00001 from A1-03. 1 left there." in response.content.decode()
    assert_ledger_matches_balances()


def test_a_move_to_its_own_source_is_refused_when_the_destination_is_scanned(clerk_browser):
    resistor, a = part("RES-00001"), location("A")
    location("B")
    receive(resistor, a, 10)
    state = {"part": "RES-00001", "location": "A"}
    response, form = step(clerk_browser, "/stock/move", "A", state)
    assert response.status_code == 422
    html = response.content.decode()
    assert "A is where the stock comes from: scan the location to move it to." in html
    assert prompt_of(html) == "Scan the destination location."
    assert "value=" not in scan_box(html)
    assert not IdempotencyRecord.objects.exists()  # refused before any commit
    response, form = step(clerk_browser, "/stock/move", "B", next_state(form))
    assert prompt_of(response.content.decode()) == "Type the quantity and press Enter."
    response, _form = step(clerk_browser, "/stock/move", "4", next_state(form))
    assert "Moved 4 x RES-00001 from A to B." in response.content.decode()


def test_a_destination_that_refuses_stock_is_asked_for_again(clerk_browser):
    resistor, a = part("RES-00001"), location("A")
    location("FULL", is_full=True), location("B")
    receive(resistor, a, 10)
    state = {"part": "RES-00001", "location": "A", "to_location": "FULL"}
    response, form = step(clerk_browser, "/stock/move", "4", state)
    assert response.status_code == 422
    html = response.content.decode()
    assert "FULL is marked full." in html
    assert prompt_of(html) == "Scan the destination location."
    retry = next_state(form)
    assert retry["to_location"] == "" and retry["quantity"] == "4"
    response, _form = step(clerk_browser, "/stock/move", "B", retry)
    assert "Moved 4 x RES-00001 from A to B." in response.content.decode()


# Scanner pages: where the part is, on pick and move ----------------------------------------


@pytest.fixture
def stocked_in_places():
    """RES-00001 in five places: two without a lot, three lots (expiring soon, later, never)."""
    resistor = part("RES-00001")
    never = location("C-NEVER")
    receive(resistor, never, 4, new_lot={"name": "L-NEVER"})  # the oldest lot
    receive(
        resistor, location("B-LATE"), 5, new_lot={"name": "L-LATE", "expiry_date": date(2031, 1, 1)}
    )
    receive(
        resistor, location("A-SOON"), 6, new_lot={"name": "L-SOON", "expiry_date": date(2030, 1, 1)}
    )
    receive(resistor, location("Z-LOOSE"), 7)
    receive(resistor, location("Y-LOOSE"), 8)
    return resistor


def test_picking_lists_where_the_part_is_in_fifo_order(clerk_browser, stocked_in_places):
    response, _form = step(clerk_browser, "/stock/pick", "RES-00001")
    html = response.content.decode()
    assert (
        prompt_of(html) == "Scan the location to take it from, or type the number of a row below."
    )
    assert stock_list(html) == [
        ("1", "Y-LOOSE", "no lot"),
        ("2", "Z-LOOSE", "no lot"),
        ("3", "A-SOON", "L-SOON"),
        ("4", "B-LATE", "L-LATE"),
        ("5", "C-NEVER", "L-NEVER"),
    ]
    assert html.count("first out") == 1
    assert '<time datetime="2030-01-01">' in html and '<td class="text-end">8</td>' in html


def test_the_first_suggestion_is_what_the_ledger_takes_first(clerk_browser):
    resistor, shelf = part("RES-00001"), location("A")
    receive(resistor, shelf, 2, new_lot={"name": "L-LATE", "expiry_date": date(2031, 1, 1)})
    receive(resistor, shelf, 2, new_lot={"name": "L-SOON", "expiry_date": date(2030, 1, 1)})
    receive(resistor, shelf, 2)
    suggested = [(b.lot.name if b.lot else None) for b in queries.stock_to_take(resistor)]
    assert suggested == [None, "L-SOON", "L-LATE"]
    # A pick without a lot, of all but one, drains the rows in the order they were listed.
    step(clerk_browser, "/stock/pick", "5", {"part": "RES-00001", "location": "A"})
    left = {(b.lot.name if b.lot else None): b.quantity for b in queries.stock_to_take(resistor)}
    assert left == {"L-LATE": 1}


def test_one_digit_picks_a_listed_row_its_location_and_lot(clerk_browser, stocked_in_places):
    _r, form = step(clerk_browser, "/stock/pick", "RES-00001")
    response, form = step(clerk_browser, "/stock/pick", "3", next_state(form))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Got it — row 3: Location A-SOON, lot L-SOON." in html
    assert prompt_of(html) == "Type the quantity and press Enter."
    assert stock_list(html) == []  # chosen: the list is gone
    assert "On hand at A-SOON in lot L-SOON" in html
    response, _form = step(clerk_browser, "/stock/pick", "2", next_state(form))
    assert "Picked 2 x RES-00001 from A-SOON. 4 left there." in response.content.decode()
    assert StockMovement.objects.filter(operation="remove").get().lot.name == "L-SOON"


def test_a_scanned_location_still_picks_a_place(clerk_browser, stocked_in_places):
    _r, form = step(clerk_browser, "/stock/pick", "RES-00001")
    response, form = step(clerk_browser, "/stock/pick", "B-LATE", next_state(form))
    assert prompt_of(response.content.decode()) == "Type the quantity and press Enter."
    assert form.initial["location"] == "B-LATE"


def test_a_row_number_not_listed_is_refused(clerk_browser, stocked_in_places):
    _r, form = step(clerk_browser, "/stock/pick", "RES-00001")
    response, form = step(clerk_browser, "/stock/pick", "7", next_state(form))
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is no row 7: type a number from 1 to 5, or scan a location." in html
    assert len(stock_list(html)) == 5  # still listed, to choose again
    assert "value=" not in scan_box(html)


def test_a_part_on_hand_nowhere_says_so(clerk_browser):
    part("RES-00001")
    response, _form = step(clerk_browser, "/stock/pick", "RES-00001")
    html = response.content.decode()
    assert "None on hand anywhere." in html
    assert prompt_of(html) == "Scan a location label or type a location code."


def test_the_list_shows_nine_numbered_rows_and_counts_the_rest(clerk_browser):
    resistor = part("RES-00001")
    for n in range(12):
        receive(resistor, location(f"L{n:02}"), n + 1)
    html = clerk_browser.get("/stock/pick", {"part": "RES-00001"}).content.decode()
    assert [number for number, _code, _lot in stock_list(html)] == list("123456789")
    assert "And 3 more places, later in that order: scan the location to use one." in html


def test_receiving_and_counting_list_no_places(clerk_browser, stocked_in_places):
    for page in ("/stock/receive", "/stock/count"):
        response, _form = step(clerk_browser, page, "RES-00001")
        assert stock_list(response.content.decode()) == [], page


def test_moving_lists_the_places_and_labels_the_source_on_hand(clerk_browser, stocked_in_places):
    _r, form = step(clerk_browser, "/stock/move", "RES-00001")
    assert stock_list(_r.content.decode())[0] == ("1", "Y-LOOSE", "no lot")
    response, form = step(clerk_browser, "/stock/move", "1", next_state(form))
    html = response.content.decode()
    assert prompt_of(html) == "Scan the destination location."
    assert re.search(r"On hand at Y-LOOSE</dt>\s*<dd[^>]*>8</dd>", html)
    response, form = step(clerk_browser, "/stock/move", "Z-LOOSE", next_state(form))
    html = response.content.decode()
    assert re.search(r"On hand at Y-LOOSE</dt>\s*<dd[^>]*>8</dd>", html)  # the source's
    response, _form = step(clerk_browser, "/stock/move", "3", next_state(form))
    assert "Moved 3 x RES-00001 from Y-LOOSE to Z-LOOSE." in response.content.decode()


def test_the_list_costs_the_same_queries_for_one_place_or_many(clerk_browser):
    few, many = part("RES-00001"), part("RES-00002")
    receive(few, location("A"), 1)
    for n in range(20):
        receive(many, location(f"L{n}"), n + 1, new_lot={"name": f"LOT-{n}"})

    def queries_to_list(ipn: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = clerk_browser.post("/stock/pick", {"scan": ipn}, **HTMX)
        assert len(stock_list(response.content.decode())) == (1 if ipn == "RES-00001" else 9)
        return len(captured)

    assert queries_to_list("RES-00001") == queries_to_list("RES-00002")


# Scanner pages: who may use them ----------------------------------------------------------


@pytest.mark.parametrize("name", ["receive", "pick", "move", "count"])
def test_the_scanner_pages_are_for_viewers_and_their_steps_for_clerks(name):
    assert getattr(scan_views, name).required_role == Role.VIEWER


def test_a_visitor_who_is_not_logged_in_is_sent_to_log_in_and_changes_nothing(client):
    part("RES-00001"), location("A")
    response = client.get("/stock/pick")
    assert response.status_code == 302 and response["Location"].startswith("/login")
    response = client.post("/stock/receive", {"part": "RES-00001", "location": "A", "scan": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/login")
    assert not StockMovement.objects.exists()


def test_a_viewer_cannot_step_through_htmx_either(viewer_browser):
    part("RES-00001"), location("A")
    response = viewer_browser.post("/stock/receive", {"scan": "RES-00001"}, **HTMX)
    assert response.status_code == 403
