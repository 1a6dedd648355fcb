"""Part types and their info keys: /api/v1/part_types (seed 000, "Part Types")."""

import pytest

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from config.core.models import ChangelogEntry
from inventory.catalogue import services
from inventory.models import InfoKey, Part, PartInfoValue, PartType
from tests.factories import PartFactory, make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
CAPACITOR = {
    "slug": "capacitor",
    "name": "Capacitors",
    "info_keys": [
        {"key": "capacitance", "kind": "quantity", "unit": "F", "required": True},
        {"key": "dielectric", "kind": "choice", "choices": ["C0G", "X7R"]},
    ],
}


def last_entry(entity_type: str) -> ChangelogEntry:
    return ChangelogEntry.objects.filter(entity_type=entity_type).order_by("-id").first()


def test_manager_creates_a_part_type_with_info_keys(as_manager):
    response = as_manager.post("/api/v1/part_types", CAPACITOR, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "capacitor"
    assert body["ipn_prefix"] == "CAPACITOR"  # the slug in upper case by default
    assert body["part_count"] == 0
    assert body["url"] == f"/api/v1/part_types/{body['id']}"
    assert [key["key"] for key in body["info_keys"]] == ["capacitance", "dielectric"]
    assert body["info_keys"][0] == {
        "key": "capacitance",
        "label": "Capacitance",
        "kind": "quantity",
        "unit": "F",
        "required": True,
        "choices": [],
        "position": 0,
    }


def test_creating_a_part_type_is_in_the_changelog(as_manager):
    as_manager.post("/api/v1/part_types", CAPACITOR, format="json")
    entry = last_entry("part_type")
    assert (entry.action, entry.entity_key, entry.actor_name) == ("create", "capacitor", "mona")
    assert entry.changes["name"] == [None, "Capacitors"]
    assert entry.changes["info_keys"][0] is None
    assert [key["key"] for key in entry.changes["info_keys"][1]] == ["capacitance", "dielectric"]


def test_default_ipn_prefix_is_cut_to_16_characters():
    part_type = services.part_type_create(
        actor=SYSTEM, slug="very-long-part-type-slug", name="Long"
    )
    assert part_type.ipn_prefix == "VERY-LONG-PART-T"


@pytest.mark.parametrize("slug", ["batch", "search"])
def test_slugs_that_collide_with_part_paths_are_reserved(as_manager, slug):
    response = as_manager.post("/api/v1/part_types", {"slug": slug, "name": "X"}, format="json")
    assert response.status_code == 400
    assert "reserved" in response.json()["errors"]["slug"][0]


@pytest.mark.parametrize("slug", ["123", "Caps", "has space", "-x"])
def test_invalid_slugs_are_400(as_manager, slug):
    response = as_manager.post("/api/v1/part_types", {"slug": slug, "name": "X"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["errors"]


def test_duplicate_slug_is_409(as_manager):
    as_manager.post("/api/v1/part_types", CAPACITOR, format="json")
    response = as_manager.post("/api/v1/part_types", CAPACITOR, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"key": "r", "kind": "quantity"}, "info_keys.0.unit"),
        ({"key": "r", "kind": "quantity", "unit": "bananas"}, "info_keys.0.unit"),
        ({"key": "r", "kind": "text", "unit": "ohm"}, "info_keys.0.unit"),
        ({"key": "r", "kind": "choice"}, "info_keys.0.choices"),
        ({"key": "r", "kind": "text", "choices": ["a"]}, "info_keys.0.choices"),
        ({"key": "Bad Key", "kind": "text"}, "info_keys.0.key"),
    ],
)
def test_invalid_info_keys_are_400_per_field(spec, field):
    with pytest.raises(ValidationFailed) as caught:
        services.part_type_create(actor=SYSTEM, slug="x", name="X", info_keys=[spec])
    assert field in caught.value.errors
    assert not PartType.objects.exists()


def test_repeated_info_key_is_400():
    keys = [{"key": "a", "kind": "text"}, {"key": "a", "kind": "number"}]
    with pytest.raises(ValidationFailed) as caught:
        services.part_type_create(actor=SYSTEM, slug="x", name="X", info_keys=keys)
    assert "info_keys.1.key" in caught.value.errors


def test_part_type_is_found_by_id_or_by_slug(as_viewer):
    part_type = make_resistor_type()
    by_id = as_viewer.get(f"/api/v1/part_types/{part_type.pk}")
    by_slug = as_viewer.get("/api/v1/part_types/resistor")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    assert as_viewer.get("/api/v1/part_types/999").status_code == 404
    assert as_viewer.get("/api/v1/part_types/nope").json()["code"] == "not_found"


def test_info_keys_endpoint_lists_keys_in_position_order(as_viewer):
    make_resistor_type()
    response = as_viewer.get("/api/v1/part_types/resistor/info_keys")
    assert response.status_code == 200
    assert [key["key"] for key in response.json()] == [
        "resistance",
        "tolerance",
        "power",
        "package",
        "smd",
        "series",
    ]
    package = response.json()[3]
    assert package["kind"] == "choice"
    assert package["choices"] == ["0402", "0603", "0805", "THT"]


def test_deleting_an_unused_part_type_is_204_and_logged(as_manager):
    part_type = make_resistor_type()
    response = as_manager.delete(f"/api/v1/part_types/{part_type.pk}")
    assert response.status_code == 204
    assert not PartType.objects.exists()
    assert not InfoKey.objects.exists()
    entry = last_entry("part_type")
    assert (entry.action, entry.entity_key) == ("delete", "resistor")
    assert entry.changes["slug"] == ["resistor", None]


def test_deleting_a_part_type_with_parts_is_409_in_use(as_manager):
    part_type = make_resistor_type()
    PartFactory(part_type=part_type)
    response = as_manager.delete("/api/v1/part_types/resistor")
    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert PartType.objects.filter(pk=part_type.pk).exists()


def test_part_count_is_shown_in_the_list(as_viewer):
    part_type = make_resistor_type()
    PartFactory.create_batch(3, part_type=part_type)
    response = as_viewer.get("/api/v1/part_types")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["part_count"] == 3


# --- part_type_update (used by the UI and the admin; the API has no PUT for part types) ---


def test_update_adds_keys_and_edits_labels_required_and_choices():
    part_type = make_resistor_type()
    keys = [
        {"key": "resistance", "kind": "quantity", "unit": "ohm", "label": "R", "required": False},
        {"key": "package", "kind": "choice", "choices": ["0603", "1206"]},
        {"key": "tempco", "kind": "number"},
    ]
    services.part_type_update(actor=SYSTEM, part_type=part_type, name="Resistors!", info_keys=keys)
    part_type.refresh_from_db()
    assert part_type.name == "Resistors!"
    current = {key.key: key for key in part_type.info_keys.all()}
    assert set(current) == {"resistance", "package", "tempco"}
    assert current["resistance"].label == "R"
    assert current["resistance"].required is False
    assert current["package"].choices == ["0603", "1206"]
    entry = last_entry("part_type")
    assert entry.action == "update"
    assert entry.changes["name"] == ["Resistors", "Resistors!"]
    assert "info_keys" in entry.changes


def test_removing_an_info_key_drops_its_values_from_every_part():
    part_type = make_resistor_type()
    part = services.part_create(
        actor=SYSTEM, part_type=part_type, info={"resistance": "1k", "series": "RC"}
    )
    keys = [{"key": "resistance", "kind": "quantity", "unit": "ohm", "required": True}]
    services.part_type_update(actor=SYSTEM, part_type=part_type, info_keys=keys)
    part.refresh_from_db()
    assert part.info == {"resistance": 1000}
    assert PartInfoValue.objects.filter(part=part).count() == 1


def test_changing_the_kind_or_unit_of_a_key_is_400():
    part_type = make_resistor_type()
    keys = [{"key": "resistance", "kind": "quantity", "unit": "kohm"}]
    with pytest.raises(ValidationFailed) as caught:
        services.part_type_update(actor=SYSTEM, part_type=part_type, info_keys=keys)
    assert "info_keys.0.kind" in caught.value.errors
    assert part_type.info_keys.count() == 6


def test_update_without_changes_writes_no_changelog_entry():
    part_type = make_resistor_type()
    before = ChangelogEntry.objects.count()
    services.part_type_update(actor=SYSTEM, part_type=part_type, name="Resistors")
    assert ChangelogEntry.objects.count() == before


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("types", [1, 100])
def test_part_type_list_costs_the_same_queries_for_1_or_100_types(
    as_viewer, django_assert_max_num_queries, types
):
    for number in range(types):
        part_type = make_resistor_type(slug=f"type-{number}", ipn_prefix=f"T{number}")
        PartFactory(part_type=part_type, ipn=f"T{number}-1")
    # token (2) + count + page + info keys
    with django_assert_max_num_queries(5):
        response = as_viewer.get("/api/v1/part_types?page_size=1000")
    assert len(response.json()["results"]) == types


@pytest.mark.parametrize("parts", [1, 100])
def test_part_type_detail_and_info_keys_cost_a_fixed_number_of_queries(
    as_viewer, django_assert_max_num_queries, parts
):
    part_type = make_resistor_type()
    PartFactory.create_batch(parts, part_type=part_type)
    # token (2) + the type with its part count + its info keys
    with django_assert_max_num_queries(4):
        assert as_viewer.get("/api/v1/part_types/resistor").json()["part_count"] == parts
    with django_assert_max_num_queries(4):
        assert len(as_viewer.get("/api/v1/part_types/resistor/info_keys").json()) == 6


def test_factories_rows_have_no_info_values():
    # PartFactory writes Part.info as given: the services are what mirror it.
    part = PartFactory(info={"x": 1})
    assert not PartInfoValue.objects.filter(part=part).exists()
    assert Part.objects.count() == 1
