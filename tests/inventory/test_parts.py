"""Parts of a type: create, read, edit, delete, info values (seed 000, "Parts")."""

import uuid
from decimal import Decimal

import pytest

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from config.core.models import ChangelogEntry
from inventory.catalogue import services
from inventory.models import (
    Part,
    PartAlternate,
    PartInfoValue,
    StockBalance,
    StockMovement,
    StorageLocation,
)
from tests.factories import make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def resistors():
    return make_resistor_type()


def create(client, body, ptype="resistor"):
    return client.post(f"/api/v1/parts/{ptype}", body, format="json")


def entries(entity_type="part"):
    return list(ChangelogEntry.objects.filter(entity_type=entity_type).order_by("id"))


# --- create -----------------------------------------------------------------------------------


def test_manager_creates_a_part_and_gets_it_back_normalised(as_manager, resistors):
    response = create(
        as_manager,
        {
            "mpn": "RC0603FR-0710KL",
            "manufacturer": "Yageo",
            "description": "10k 1% 0603",
            "info": {"resistance": "10k", "tolerance": "1%", "package": "0603", "smd": True},
            "tags": ["smd", "e96"],
            "unit_weight_g": "0.002",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ipn"] == "RES-00001"
    assert body["part_type"] == "resistor"
    assert body["url"] == "/api/v1/parts/resistor/RES-00001"
    assert body["info"] == {"resistance": 10000, "tolerance": 1, "package": "0603", "smd": True}
    assert body["info_display"] == {
        "resistance": "10 kΩ",
        "tolerance": "1 %",
        "package": "0603",
        "smd": "yes",
    }
    assert body["tags"] == ["e96", "smd"]
    assert body["unit_weight_g"] == "0.002"
    assert body["low_stock_threshold"] is None
    assert body["archived"] is False
    part = Part.objects.get(ipn="RES-00001")
    assert part.mpn_normalized == "RC0603FR0710KL"


@pytest.mark.parametrize("spelling", ["10k", "10 kΩ", "10000 ohm", 10000, "0.01M"])
def test_every_spelling_of_a_quantity_stores_the_same_number(as_manager, resistors, spelling):
    response = create(as_manager, {"info": {"resistance": spelling}})
    assert response.status_code == 201, response.json()
    assert response.json()["info"]["resistance"] == 10000
    assert PartInfoValue.objects.get(info_key__key="resistance").number == 10000.0


def test_info_values_are_mirrored_for_filters(resistors):
    part = services.part_create(
        actor=SYSTEM,
        part_type=resistors,
        info={"resistance": "4k7", "package": "0805", "smd": "yes", "series": "RC"},
    )
    mirrored = {
        row.info_key.key: (row.number, row.text)
        for row in PartInfoValue.objects.filter(part=part).select_related("info_key")
    }
    assert mirrored == {
        "resistance": (4700.0, ""),
        "package": (None, "0805"),
        "smd": (None, "true"),
        "series": (None, "RC"),
    }


def test_small_quantities_keep_their_exact_digits(as_manager):
    services.part_type_create(
        actor=SYSTEM,
        slug="capacitor",
        name="Capacitors",
        info_keys=[{"key": "capacitance", "kind": "quantity", "unit": "F"}],
    )
    response = create(as_manager, {"info": {"capacitance": "100nF"}}, ptype="capacitor")
    assert response.json()["info"]["capacitance"] == 1e-07
    assert response.json()["info_display"]["capacitance"] == "100 nF"


@pytest.mark.parametrize(
    ("info", "field", "message"),
    [
        ({"resistance": "1k", "colour": "red"}, "info.colour", "Unknown info key"),
        ({"resistance": "10 V"}, "info.resistance", "different kind of quantity"),
        ({"resistance": "ten"}, "info.resistance", "Cannot read"),
        ({"resistance": "10 furlongs"}, "info.resistance", "cannot be converted"),
        ({"resistance": "1k", "package": "1206"}, "info.package", "not one of"),
        ({"resistance": "1k", "smd": "maybe"}, "info.smd", "yes/no"),
        ({"resistance": "1k", "series": 12}, "info.series", "Expected text"),
        ({"tolerance": "1%"}, "info.resistance", "required"),
    ],
)
def test_invalid_info_is_400_with_an_error_per_key(as_manager, resistors, info, field, message):
    response = create(as_manager, {"info": info})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in body["errors"][field][0], body
    assert not Part.objects.exists()


def test_all_info_errors_are_reported_at_once(as_manager, resistors):
    response = create(as_manager, {"info": {"resistance": "x", "package": "9999", "bad": 1}})
    assert set(response.json()["errors"]) == {"info.resistance", "info.package", "info.bad"}


def test_choices_are_matched_case_insensitively_and_stored_as_declared(resistors):
    part = services.part_create(
        actor=SYSTEM, part_type=resistors, info={"resistance": 1, "package": "tht"}
    )
    assert part.info["package"] == "THT"


def test_generated_ipns_count_up_and_skip_taken_numbers(as_manager, resistors):
    create(as_manager, {"ipn": "RES-00002", "info": {"resistance": 1}})
    ipns = [create(as_manager, {"info": {"resistance": 1}}).json()["ipn"] for _ in range(3)]
    assert ipns == ["RES-00001", "RES-00003", "RES-00004"]


def test_given_ipn_that_exists_is_409(as_manager, resistors):
    create(as_manager, {"ipn": "R-1", "info": {"resistance": 1}})
    response = create(as_manager, {"ipn": "R-1", "info": {"resistance": 1}})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_invalid_ipn_and_plain_fields_are_400(as_manager, resistors):
    response = create(
        as_manager,
        {"ipn": "no spaces", "datasheet_url": "not a url", "info": {"resistance": 1}},
    )
    assert response.status_code == 400
    assert {"ipn", "datasheet_url"} <= set(response.json()["errors"])


def test_creating_in_an_unknown_type_is_404(as_manager):
    assert create(as_manager, {}, ptype="nope").status_code == 404


def test_creating_a_part_is_in_the_changelog(as_manager, resistors):
    create(as_manager, {"mpn": "X1", "info": {"resistance": "1k"}, "tags": ["a"]})
    (entry,) = entries()
    assert (entry.action, entry.entity_key, entry.actor_name) == ("create", "RES-00001", "mona")
    assert entry.actor_kind == "token"
    assert entry.changes["mpn"] == [None, "X1"]
    assert entry.changes["info"] == [None, {"resistance": 1000}]
    assert entry.changes["tags"] == [None, ["a"]]
    assert entry.changes["part_type"] == [None, "resistor"]


# --- read -------------------------------------------------------------------------------------


def test_part_of_another_type_is_404(as_viewer, resistors):
    services.part_type_create(actor=SYSTEM, slug="capacitor", name="Caps")
    services.part_create(actor=SYSTEM, part_type=resistors, ipn="R-1", info={"resistance": 1})
    assert as_viewer.get("/api/v1/parts/resistor/R-1").status_code == 200
    assert as_viewer.get("/api/v1/parts/capacitor/R-1").status_code == 404
    assert as_viewer.get("/api/v1/parts/resistor/R-2").json()["code"] == "not_found"


# --- update -----------------------------------------------------------------------------------


@pytest.fixture
def part(resistors):
    return services.part_create(
        actor=SYSTEM,
        part_type=resistors,
        ipn="R-1",
        mpn="RC0603",
        manufacturer="Yageo",
        description="first",
        info={"resistance": "1k", "package": "0603"},
        tags=["smd"],
        unit_weight_g=Decimal("0.5"),
    )


def test_put_changes_only_the_fields_given(as_manager, part):
    response = as_manager.put(
        "/api/v1/parts/resistor/R-1", {"description": "second"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["description"] == "second"
    assert body["mpn"] == "RC0603"
    assert body["manufacturer"] == "Yageo"
    assert body["info"] == {"resistance": 1000, "package": "0603"}
    assert body["tags"] == ["smd"]
    assert body["unit_weight_g"] == "0.5"


def test_put_merges_info_and_null_removes_a_key(as_manager, part):
    response = as_manager.put(
        "/api/v1/parts/resistor/R-1",
        {"info": {"resistance": "2k2", "package": None, "smd": False}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["info"] == {"resistance": 2200, "smd": False}
    numbers = PartInfoValue.objects.filter(part=part, info_key__key="resistance")
    assert list(numbers.values_list("number", flat=True)) == [2200.0]
    assert not PartInfoValue.objects.filter(part=part, info_key__key="package").exists()


def test_put_cannot_remove_a_required_info_key(as_manager, part):
    response = as_manager.put(
        "/api/v1/parts/resistor/R-1", {"info": {"resistance": None}}, format="json"
    )
    assert response.status_code == 400
    assert "info.resistance" in response.json()["errors"]


def test_put_with_invalid_info_is_400_and_changes_nothing(as_manager, part):
    response = as_manager.put(
        "/api/v1/parts/resistor/R-1",
        {"description": "x", "info": {"resistance": "5 V"}},
        format="json",
    )
    assert response.status_code == 400
    part.refresh_from_db()
    assert part.description == "first"


def test_updating_a_part_records_old_and_new_values(as_manager, part):
    as_manager.put(
        "/api/v1/parts/resistor/R-1",
        {"mpn": "RC-0805", "tags": ["smd", "new"], "info": {"resistance": "2k"}},
        format="json",
    )
    entry = entries()[-1]
    assert (entry.action, entry.entity_key) == ("update", "R-1")
    assert entry.changes == {
        "mpn": ["RC0603", "RC-0805"],
        "tags": [["smd"], ["new", "smd"]],
        "info": [
            {"resistance": 1000, "package": "0603"},
            {"resistance": 2000, "package": "0603"},
        ],
    }
    part.refresh_from_db()
    assert part.mpn_normalized == "RC0805"


def test_a_put_that_changes_nothing_writes_no_entry(as_manager, part):
    before = len(entries())
    response = as_manager.put(
        "/api/v1/parts/resistor/R-1",
        {"description": "first", "unit_weight_g": "0.5"},
        format="json",
    )
    assert response.status_code == 200
    assert len(entries()) == before


def test_part_update_saves_only_the_changed_columns(part):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        services.part_update(actor=SYSTEM, part=part, notes="hello")
    (update,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"notes"' in update
    assert '"description"' not in update


def test_part_update_rejects_unknown_fields(part):
    with pytest.raises(ValidationFailed):
        services.part_update(actor=SYSTEM, part=part, ipn="R-9")


# --- delete -----------------------------------------------------------------------------------


def test_deleting_a_part_removes_its_links_and_is_logged(as_manager, part, resistors):
    other = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 2})
    services.alternate_add(actor=SYSTEM, part=part, alternate=other)
    response = as_manager.delete("/api/v1/parts/resistor/R-1")
    assert response.status_code == 204
    assert not Part.objects.filter(ipn="R-1").exists()
    assert not PartAlternate.objects.exists()
    assert not PartInfoValue.objects.filter(part_id=part.pk).exists()
    entry = entries()[-1]
    assert (entry.action, entry.entity_key) == ("delete", "R-1")
    assert entry.changes["mpn"] == ["RC0603", None]


def stock_row(part, kind):
    location = StorageLocation.objects.create(name="Shelf", code="S1", path="Shelf")
    if kind == "movement":
        StockMovement.objects.create(
            operation_id=uuid.uuid4(),
            operation="add",
            part=part,
            location=location,
            quantity=5,
            actor_kind="system",
            actor_name="tests",
        )
    else:
        StockBalance.objects.create(part=part, location=location, quantity=5)


@pytest.mark.parametrize("kind", ["movement", "balance"])
def test_deleting_a_part_with_stock_is_409_in_use(as_manager, part, kind):
    stock_row(part, kind)
    response = as_manager.delete("/api/v1/parts/resistor/R-1")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "in_use"
    assert "stock" in body["detail"]
    assert Part.objects.filter(ipn="R-1").exists()


def test_part_usages_lists_what_keeps_a_part(part):
    assert services.part_usages(part) == []
    stock_row(part, "balance")
    assert services.part_usages(part) == ["stock balances"]


def test_deleting_in_the_wrong_type_is_404(as_manager, part):
    services.part_type_create(actor=SYSTEM, slug="capacitor", name="Caps")
    assert as_manager.delete("/api/v1/parts/capacitor/R-1").status_code == 404
    assert Part.objects.filter(ipn="R-1").exists()


# --- bulk create (for importers) ----------------------------------------------------------------


def test_create_many_writes_parts_values_tags_and_one_entry_each(resistors):
    rows = [
        {"mpn": "A-1", "info": {"resistance": "10k"}, "tags": ["x", "y"]},
        {"ipn": "MINE-1", "info": {"resistance": "4k7", "package": "0603"}, "tags": ["x"]},
        {"info": {"resistance": 1}},
    ]
    parts = services.parts_create_many(actor=SYSTEM, part_type=resistors, rows=rows)
    assert [p.ipn for p in parts] == ["RES-00001", "MINE-1", "RES-00002"]
    assert Part.objects.get(ipn="MINE-1").info == {"resistance": 4700, "package": "0603"}
    assert Part.objects.get(ipn="RES-00001").mpn_normalized == "A1"
    assert sorted(Part.objects.get(ipn="RES-00001").tags.values_list("name", flat=True)) == [
        "x",
        "y",
    ]
    assert PartInfoValue.objects.count() == 4
    logged = entries()
    assert [(e.action, e.entity_key) for e in logged] == [
        ("create", "RES-00001"),
        ("create", "MINE-1"),
        ("create", "RES-00002"),
    ]
    assert logged[1].changes["info"] == [None, {"resistance": 4700, "package": "0603"}]
    resistors.refresh_from_db()
    assert resistors.ipn_counter == 3


def test_create_many_reports_every_rejected_row_and_imports_nothing(resistors):
    services.part_create(actor=SYSTEM, part_type=resistors, ipn="OLD-1", info={"resistance": 1})
    rows = [
        {"info": {"resistance": "1k"}},
        {"info": {"resistance": "abc"}},
        {"ipn": "OLD-1", "info": {"resistance": 1}},
        {"ipn": "NEW-1", "info": {"resistance": 1}},
        {"ipn": "NEW-1", "info": {"resistance": 1}, "colour": "red"},
        {"info": {}},
    ]
    with pytest.raises(ValidationFailed) as caught:
        services.parts_create_many(actor=SYSTEM, part_type=resistors, rows=rows)
    error = caught.value
    assert error.code == "rows_rejected"
    assert error.extra == {"rejected": 4}
    assert set(error.errors) == {"row 2", "row 3", "row 5", "row 6"}
    assert error.errors["row 2"][0].startswith("info.resistance: Cannot read")
    assert "already exists" in error.errors["row 3"][0]
    assert any("also in row 4" in message for message in error.errors["row 5"])
    assert any("Unknown fields: colour" in message for message in error.errors["row 5"])
    assert error.errors["row 6"] == ["info.resistance: This info key is required."]
    assert Part.objects.count() == 1
    assert len(entries()) == 1


def test_create_many_of_nothing_does_nothing(resistors):
    assert services.parts_create_many(actor=SYSTEM, part_type=resistors, rows=[]) == []
