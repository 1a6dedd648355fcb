"""The clerk UI of stock: the scanner pages, the location browser, low stock and the part's
stock fragment."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.core.models import IdempotencyRecord
from config.core.roles import Role
from inventory.models import Lot, StockMovement, StorageLocation
from tests.conftest import make_user
from tests.inventory.stock_helpers import (
    assert_ledger_matches_balances,
    location,
    on_hand,
    part,
    receive,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user("cleo", Role.CLERK))
    return client


@pytest.fixture
def viewer_browser(client):
    client.force_login(make_user("vic", Role.VIEWER))
    return client


@pytest.fixture
def manager_browser(client):
    client.force_login(make_user("max", Role.MANAGER))
    return client


def step(client, url, scan, state=None, **extra):
    """Post one scanner step (as htmx does) and return the response and the next state: the
    field values the returned form carries."""
    response = client.post(url, {**(state or {}), "scan": scan}, **HTMX, **extra)
    return response, response.context["form"]


def next_state(form) -> dict:
    if form.is_bound:
        return {name: form[name].value() or "" for name in form.fields}
    return {name: form.initial.get(name, "") for name in form.fields}


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
    assert movement.actor_name == "cleo"
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


# Low stock --------------------------------------------------------------------------------


def test_the_low_stock_page_lists_parts_under_threshold(viewer_browser):
    low = part("RES-00001", low_stock_threshold=Decimal(10), description="Low one")
    fine = part("RES-00002", low_stock_threshold=Decimal(1))
    a = location("A")
    receive(low, a, 4)
    receive(fine, a, 4)
    html = viewer_browser.get("/stock/low").content.decode()
    assert "RES-00001" in html and "Low one" in html and "RES-00002" not in html
    assert ">6<" in html  # the shortfall
    assert viewer_browser.get("/stock/low", {"page": "x"}).status_code == 422


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
