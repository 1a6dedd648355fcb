from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from inventory.models import Lot, StorageLocation
from inventory.stock import services as ledger

from .stock_helpers import SYSTEM, location, part, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked():
    """RES-1: +10 at A1, +5 at B1 in lot L1, -3 at A1, 2 reserved at B1."""
    a1, b1 = location("A1"), location("B1")
    resistor = part("RES-1", low_stock_threshold=100)
    receive(resistor, a1, 10)
    receive(resistor, b1, 5, lot=Lot.objects.create(name="L1"))
    ledger.stock_remove(actor=SYSTEM, part=resistor, location=a1, quantity=3)
    ledger.stock_change_status(
        actor=SYSTEM,
        part=resistor,
        location=b1,
        quantity=2,
        from_status="on_hand",
        to_status="reserved",
    )
    return resistor


def path(p, tail):
    return f"/api/v1/parts/{p.part_type.slug}/{p.ipn}/{tail}"


def test_part_stock_shows_each_location_and_lot_per_status(as_viewer, stocked):
    body = as_viewer.get(path(stocked, "stock")).json()
    rows = {(r["location"], r["lot"]): (r["on_hand"], r["reserved"]) for r in body["rows"]}
    assert rows == {("A1", None): ("7", "0"), ("B1", "L1"): ("3", "2")}
    assert body["totals"]["on_hand"] == "10"


def test_history_has_a_running_on_hand_balance_newest_first(as_viewer, stocked):
    results = as_viewer.get(path(stocked, "history")).json()["results"]
    running = [(m["operation"], m["status"], m["quantity"], m["running_on_hand"]) for m in results]
    # A status change writes its two movements at the same instant: the later one (by id)
    # comes first.
    assert running == [
        ("status", "reserved", "2", "10"),
        ("status", "on_hand", "-2", "10"),
        ("remove", "on_hand", "-3", "12"),
        ("add", "on_hand", "5", "15"),
        ("add", "on_hand", "10", "10"),
    ]


@pytest.mark.parametrize("since", [None, "first"])
def test_history_pages_carry_the_running_balance_on(as_viewer, stocked, since):
    # Later pages start from what the skipped, newer movements moved.
    a1 = StorageLocation.objects.get(code="A1")
    for quantity in (4, 1, 2):
        ledger.stock_remove(actor=SYSTEM, part=stocked, location=a1, quantity=quantity)
        receive(stocked, a1, quantity + 1)
    params = {}
    if since == "first":
        first = stocked.movements.order_by("at", "id").first()
        params["since"] = (first.at + timedelta(microseconds=1)).isoformat()
    whole = as_viewer.get(path(stocked, "history"), {**params, "page_size": 100}).json()
    paged = []
    for page in (1, 2, 3, 4):
        body = as_viewer.get(path(stocked, "history"), {**params, "page_size": 3, "page": page})
        assert body.json()["count"] == whole["count"]
        paged += body.json()["results"]
    assert len(paged) == whole["count"] == len(whole["results"])
    assert [(m["id"], m["running_on_hand"]) for m in paged] == [
        (m["id"], m["running_on_hand"]) for m in whole["results"]
    ]
    assert whole["results"][0]["running_on_hand"] == "13"  # 10 + 3 received back


def test_history_time_range_carries_the_opening_balance(as_viewer):
    shelf, resistor = location("A1"), part("RES-1")
    start = timezone.now() - timedelta(days=10)
    with time_machine.travel(start, tick=False):
        receive(resistor, shelf, 100)
    with time_machine.travel(start + timedelta(days=5), tick=False):
        ledger.stock_remove(actor=SYSTEM, part=resistor, location=shelf, quantity=30)
    since = (start + timedelta(days=1)).isoformat()
    response = as_viewer.get(path(resistor, "history"), {"since": since, "bucket": "day"})
    body = response.json()
    assert [m["running_on_hand"] for m in body["results"]] == ["70"]
    assert [p["on_hand"] for p in body["series"]] == ["70"]
    assert body["series"][0]["taken"] == "30"


def test_history_rejects_a_bad_time_and_bucket(as_viewer, stocked):
    assert as_viewer.get(path(stocked, "history"), {"since": "yesterday"}).status_code == 400
    assert as_viewer.get(path(stocked, "history"), {"bucket": "decade"}).status_code == 400


def test_stock_list_filters_and_totals(as_viewer, stocked):
    body = as_viewer.get("/api/v1/stock", {"ipn": "RES-1"}).json()
    assert body["count"] == 3
    assert body["totals"] == {"on_hand": "10", "reserved": "2"}
    only_b1 = as_viewer.get("/api/v1/stock", {"location": "B1", "status": "reserved"}).json()
    assert [(r["location"], r["status"]) for r in only_b1["results"]] == [("B1", "reserved")]


def test_movements_filter_by_actor_and_time(as_viewer, stocked):
    assert as_viewer.get("/api/v1/stock/movements", {"actor": "tests"}).json()["count"] == 5
    assert as_viewer.get("/api/v1/stock/movements", {"actor": "nobody"}).json()["count"] == 0
    future = (timezone.now() + timedelta(hours=1)).timestamp()
    assert as_viewer.get("/api/v1/stock/movements", {"since": future}).json()["count"] == 0
    assert as_viewer.get("/api/v1/stock/movements", {"since": "garbage"}).status_code == 400
    # A space to Python, which a trimming form field read as no filter at all.
    assert as_viewer.get("/api/v1/stock/movements", {"since": "\x85"}).status_code == 400
    assert as_viewer.get("/api/v1/stock/movements", {"until": " 0"}).status_code == 400


def test_low_stock_reports_shortfall_and_what_is_on_order(as_viewer, stocked):
    b1 = location("C1")
    ledger.stock_add(actor=SYSTEM, part=stocked, location=b1, quantity=40, status="ordered")
    receive(part("FINE-1", low_stock_threshold=1), b1, 5)
    [row] = as_viewer.get("/api/v1/reports/low-stock").json()["results"]
    assert (row["ipn"], row["on_hand"], row["shortfall"], row["on_order"]) == (
        "RES-1",
        "10",
        "90",
        "40",
    )


def test_location_contents_and_recursive(as_viewer):
    room = location("R1", name="Room")
    shelf = location("S1", name="Shelf", parent=room)
    receive(part("RES-1"), shelf, 4)
    assert as_viewer.get(f"/api/v1/locations/{room.pk}/stock").json()["count"] == 0
    nested = as_viewer.get(f"/api/v1/locations/{room.pk}/stock", {"recursive": "true"}).json()
    assert [(r["ipn"], r["location_path"]) for r in nested["results"]] == [
        ("RES-1", "Room / Shelf")
    ]


@pytest.mark.parametrize("rows", [1, 100])
def test_read_endpoints_use_a_constant_number_of_queries(
    as_viewer, rows, django_assert_max_num_queries
):
    shelf = location("A1")
    first = None
    for n in range(rows):
        p = part(f"P-{n}", low_stock_threshold=1000)
        first = first or p
        receive(p, shelf, 5)
        receive(first, shelf, 1)
    urls = [
        "/api/v1/stock?page_size=200",
        "/api/v1/stock/movements?page_size=200",
        path(first, "stock"),
        path(first, "history") + "?bucket=day&page_size=200",
        f"/api/v1/locations/{shelf.pk}/stock?page_size=200",
        "/api/v1/reports/low-stock?page_size=200",
        "/api/v1/locations?page_size=200",
        "/api/v1/lots?page_size=200",
    ]
    for url in urls:
        # token lookup + count + page (+ totals / opening / series where the endpoint has them)
        with django_assert_max_num_queries(6, info=url):
            response = as_viewer.get(url)
        assert response.status_code == 200, url
