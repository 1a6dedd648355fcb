import pytest

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from config.core.models import ChangelogEntry
from inventory.models import Lot, StorageLocation
from inventory.stock.services.locations import lot_create

from .stock_helpers import location, part, receive

pytestmark = pytest.mark.django_db


def create(client, **body):
    return client.post("/api/v1/locations", body, format="json")


def test_locations_form_a_tree_with_full_paths(as_manager):
    site = create(as_manager, name="Lab", code="LAB").json()
    room = create(as_manager, name="Room 2", code="R2", parent=site["id"]).json()
    shelf = create(as_manager, name="Shelf A", code="R2-A", parent=room["id"]).json()
    assert shelf["path"] == "Lab / Room 2 / Shelf A"
    renamed = as_manager.put(f"/api/v1/locations/{room['id']}", {"name": "Store"}, format="json")
    assert renamed.status_code == 200
    assert StorageLocation.objects.get(code="R2-A").path == "Lab / Store / Shelf A"


def test_names_are_unique_among_siblings_and_codes_everywhere(as_manager):
    site = create(as_manager, name="Lab", code="LAB").json()
    create(as_manager, name="Shelf", code="S1", parent=site["id"])
    assert create(as_manager, name="Shelf", code="S2", parent=site["id"]).status_code == 409
    assert create(as_manager, name="Other", code="S1", parent=site["id"]).status_code == 409
    assert create(as_manager, name="Lab", code="LAB2").status_code == 409
    other = create(as_manager, name="Other site", code="OS").json()
    assert create(as_manager, name="Shelf", code="S3", parent=other["id"]).status_code == 201


def test_a_location_cannot_move_inside_itself(as_manager):
    site = create(as_manager, name="Lab", code="LAB").json()
    room = create(as_manager, name="Room", code="R", parent=site["id"]).json()
    response = as_manager.put(
        f"/api/v1/locations/{site['id']}", {"parent": room["id"]}, format="json"
    )
    assert response.status_code == 400


def test_deleting_a_location_with_stock_is_409_and_archiving_hides_it(as_manager):
    shelf = location("A1")
    receive(part("RES-1"), shelf, 1)
    assert as_manager.delete(f"/api/v1/locations/{shelf.pk}").status_code == 409
    assert (
        as_manager.put(
            f"/api/v1/locations/{shelf.pk}", {"archived": True}, format="json"
        ).status_code
        == 200
    )
    listed = [loc["code"] for loc in as_manager.get("/api/v1/locations").json()["results"]]
    assert "A1" not in listed
    archived = as_manager.get("/api/v1/locations", {"archived": "true"}).json()["results"]
    assert [loc["code"] for loc in archived] == ["A1"]
    # Its history stays readable.
    assert as_manager.get("/api/v1/stock/movements", {"location": "A1"}).json()["count"] == 1


def test_an_empty_location_can_be_deleted(as_manager):
    shelf = location("A1")
    assert as_manager.delete(f"/api/v1/locations/{shelf.pk}").status_code == 204
    assert ChangelogEntry.objects.filter(entity_type="location", action="delete").exists()


def test_clerks_cannot_arrange_locations(as_clerk):
    assert create(as_clerk, name="Lab", code="LAB").status_code == 403


def test_lots_get_generated_names_and_keep_tags(as_clerk):
    lot = as_clerk.post(
        "/api/v1/lots", {"tags": ["esd", "reel"], "reference": "PO-1"}, format="json"
    )
    assert lot.status_code == 201
    body = lot.json()
    assert body["name"].startswith("LOT-")
    assert body["tags"] == ["esd", "reel"]
    edited = as_clerk.put(f"/api/v1/lots/{body['id']}", {"tags": ["esd"]}, format="json").json()
    assert edited["tags"] == ["esd"]
    assert as_clerk.post("/api/v1/lots", {"name": body["name"]}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        (["esd", "\x1c"], "may not be blank"),  # a control character Python counts as space
        (["esd", "x" * 65], "no more than 64 characters"),
    ],
)
def test_a_lot_tag_that_is_blank_or_too_long_is_400_and_no_lot_is_made(as_clerk, tags, problem):
    response = as_clerk.post("/api/v1/lots", {"tags": tags}, format="json")
    assert response.status_code == 400
    assert problem in str(response.json()["errors"])
    assert not Lot.objects.exists()


def test_text_longer_than_its_limit_as_sent_is_400_even_if_it_ends_in_spaces(as_clerk):
    """maxLength counts the text as sent (the schema's rule), before spaces are trimmed."""
    too_long = as_clerk.post("/api/v1/lots", {"reference": "R" * 200 + " "}, format="json")
    assert too_long.status_code == 400
    assert "reference" in too_long.json()["errors"]
    tag = as_clerk.post("/api/v1/lots", {"tags": ["t" * 64 + " "]}, format="json")
    assert tag.status_code == 400
    assert "tags.0" in tag.json()["errors"]
    assert not Lot.objects.exists()
    at_limit = as_clerk.post("/api/v1/lots", {"reference": "R" * 200}, format="json")
    assert at_limit.status_code == 201


def test_the_lot_service_refuses_a_tag_the_table_cannot_hold(clerk):
    """The rule is the service's, for callers without a serializer (UI, imports, tasks)."""
    with pytest.raises(ValidationFailed) as refused:
        lot_create(actor=Actor.for_user(clerk), tags=[" reel ", "y" * 65])
    assert "longer than 64 characters" in str(refused.value.errors["tags"])
    assert not Lot.objects.exists()
    lot = lot_create(actor=Actor.for_user(clerk), tags=[" reel ", "esd", "reel"])
    assert sorted(lot.tags.values_list("name", flat=True)) == ["esd", "reel"]


def test_a_generated_lot_name_skips_past_renamed_ones(as_clerk):
    first = as_clerk.post("/api/v1/lots", {}, format="json").json()
    second = as_clerk.post("/api/v1/lots", {}, format="json").json()
    # Renaming the first leaves one lot of the day with the prefix: a count would reuse 0002.
    as_clerk.put(f"/api/v1/lots/{first['id']}", {"name": "RENAMED"}, format="json")
    third = as_clerk.post("/api/v1/lots", {}, format="json")
    assert third.status_code == 201, third.json()
    assert third.json()["name"] == second["name"][:-4] + "0003"


def test_a_taken_lot_name_is_409_naming_it(as_clerk):
    as_clerk.post("/api/v1/lots", {"name": "L-1"}, format="json")
    response = as_clerk.post("/api/v1/lots", {"name": "L-1"}, format="json")
    assert response.status_code == 409
    assert "'L-1'" in response.json()["detail"]


def test_location_and_lot_pages_are_found_whatever_the_case_of_their_key(client, viewer):
    shelf = StorageLocation.objects.create(name="Shelf", code="A1-03", path="Shelf")
    Lot.objects.create(name="DK-2026-7")
    client.force_login(viewer)
    page = client.get("/locations/a1-03")
    assert page.status_code == 200
    assert page.context["location"] == shelf
    assert client.get("/lots/dk-2026-7").status_code == 200
    assert client.get("/locations/nope").status_code == 404
