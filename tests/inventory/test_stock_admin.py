"""The staff admin of locations, lots and the stock ledger."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.core.models import ChangelogEntry
from config.core.roles import Role
from inventory.models import Lot, StockMovement, StorageLocation
from tests.conftest import make_user
from tests.inventory.stock_helpers import location, part, receive

pytestmark = pytest.mark.django_db

MOVEMENTS = "/admin/inventory/stockmovement/"


@pytest.fixture
def staff(client):
    client.force_login(make_user("root", Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_movements_cannot_be_added_changed_or_deleted(staff):
    receive(part("RES-1"), location("A"), 5)
    movement = StockMovement.objects.get()
    assert staff.get(f"{MOVEMENTS}add/").status_code == 403
    assert staff.post(f"{MOVEMENTS}{movement.pk}/change/", {"quantity": "9"}).status_code == 403
    assert staff.post(f"{MOVEMENTS}{movement.pk}/delete/", {"post": "yes"}).status_code == 403
    html = staff.get(MOVEMENTS).content.decode()
    assert "Add stock movement" not in html
    assert 'value="delete_selected"' not in html
    movement.refresh_from_db()
    assert movement.quantity == 5


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MOVEMENTS)
    assert response.status_code == 200
    return len(queries)


def test_the_movements_changelist_is_a_constant_number_of_queries(staff):
    resistor = part("RES-1")
    receive(resistor, location("L0"), 1)
    one = _changelist_queries(staff)
    for n in range(1, 30):
        receive(part(f"RES-{n + 1}"), location(f"L{n}"), n, new_lot={"name": f"LOT-{n}"})
    assert StockMovement.objects.count() == 30
    assert _changelist_queries(staff) == one


def test_the_movements_changelist_searches_and_filters(staff):
    receive(part("RES-1"), location("A"), 1)
    receive(part("CAP-1"), location("B"), 1)
    html = staff.get(MOVEMENTS, {"q": "CAP-1"}).content.decode()
    assert "CAP-1" in html and "RES-1" not in html
    assert staff.get(MOVEMENTS, {"operation__exact": "add"}).status_code == 200


def test_the_balances_changelist_is_read_only(staff):
    receive(part("RES-1"), location("A"), 1)
    assert staff.get("/admin/inventory/stockbalance/").status_code == 200
    assert staff.get("/admin/inventory/stockbalance/add/").status_code == 403


def test_locations_created_in_the_admin_go_through_the_service(staff):
    site = location("SITE", name="Site")
    response = staff.post(
        "/admin/inventory/storagelocation/add/",
        {"parent": site.pk, "name": "Shelf", "code": "SH-1", "kind": "storage"},
    )
    assert response.status_code == 302
    shelf = StorageLocation.objects.get(code="SH-1")
    assert shelf.path == "Site / Shelf"
    assert ChangelogEntry.objects.filter(entity_type="location", entity_key="SH-1").exists()
    html = staff.get("/admin/inventory/storagelocation/", {"q": "SH-1"}).content.decode()
    assert "Site / Shelf" in html


def test_a_location_service_refusal_is_shown_and_nothing_saved(staff):
    site = location("SITE", name="Site", archived=True)
    response = staff.post(
        "/admin/inventory/storagelocation/add/",
        {"parent": site.pk, "name": "Shelf", "code": "SH-1", "kind": "storage"},
        follow=True,
    )
    assert "Cannot add a location inside an archived one." in response.content.decode()
    assert not StorageLocation.objects.filter(code="SH-1").exists()


def test_lots_are_searchable_and_edited_through_the_service(staff):
    response = staff.post(
        "/admin/inventory/lot/add/", {"name": "LOT-A", "reference": "PO-7", "description": ""}
    )
    assert response.status_code == 302
    lot = Lot.objects.get(name="LOT-A")
    assert ChangelogEntry.objects.filter(entity_type="lot", entity_key="LOT-A").exists()
    html = staff.get("/admin/inventory/lot/", {"q": "PO-7"}).content.decode()
    assert "LOT-A" in html
    assert lot.reference == "PO-7"
