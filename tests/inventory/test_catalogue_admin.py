"""The catalogue in the staff admin: lists that cost the same queries whatever their length,
and writes that go through the services (info validated, changelog recorded)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.roles import Role
from inventory.catalogue.services import parts as part_services
from inventory.models import InfoKey, Part, PartInfoValue, PartType
from tests.conftest import make_user
from tests.factories import PartFactory, make_part, make_resistor_type
from tests.inventory.stock_helpers import location, receive

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
PARTS = "/admin/inventory/part/"
TYPES = "/admin/inventory/parttype/"


@pytest.fixture
def staff(client):
    client.force_login(make_user("root", Role.ADMIN, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def resistors():
    return make_resistor_type()


def part_change_form(part, **overrides):
    data = {
        "mpn": part.mpn,
        "manufacturer": part.manufacturer,
        "description": part.description,
        "info": '{"resistance": 10000}',
        "datasheet_url": "",
        "footprint": "",
        "notes": "",
        "unit_of_measure": "pcs",
        "unit_weight_g": "",
        "low_stock_threshold": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def changelist_queries(staff, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert staff.get(PARTS, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"q": "acme"}, {"archived__exact": "0"}])
def test_part_changelist_costs_the_same_queries_for_1_or_30_parts(
    staff, resistors, params, django_assert_max_num_queries
):
    PartFactory(part_type=resistors, tags=["smd"])
    one = changelist_queries(staff, params)
    for _ in range(29):
        PartFactory(part_type=resistors, tags=["smd"])
    with django_assert_max_num_queries(one):
        html = staff.get(PARTS, params).content.decode()
    assert "30 parts" in html or "30 results" in html


def test_part_changelist_search_finds_by_ipn_mpn_manufacturer_and_description(staff, resistors):
    PartFactory(part_type=resistors, ipn="R-1", mpn="RC0603", manufacturer="Yageo")
    PartFactory(part_type=resistors, ipn="R-2", description="precision thin film")
    for term, found in [("R-1", "R-1"), ("rc0603", "R-1"), ("yageo", "R-1"), ("thin", "R-2")]:
        html = staff.get(PARTS, {"q": term}).content.decode()
        assert f">{found}</a>" in html
        other = "R-2" if found == "R-1" else "R-1"
        assert f">{other}</a>" not in html


def test_part_type_changelist_and_change_page_render(staff, resistors):
    make_part(resistors, info={"resistance": 1})
    html = staff.get(TYPES).content.decode()
    assert "resistor" in html
    response = staff.get(f"{TYPES}{resistors.pk}/change/")
    assert response.status_code == 200
    assert 'name="info_keys-0-key"' in response.content.decode()


def test_admin_edit_goes_through_the_service_and_normalises_info(staff, resistors):
    part = make_part(resistors, info={"resistance": "1k"})
    data = part_change_form(part, info='{"resistance": "10k", "package": "0603"}', tags=[])
    response = staff.post(f"{PARTS}{part.pk}/change/", data)
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.info == {"resistance": 10000, "package": "0603"}
    # The typed index follows, and the changelog says who changed what.
    numbers = PartInfoValue.objects.filter(part=part, info_key__key="resistance")
    assert list(numbers.values_list("number", flat=True)) == [10000.0]
    entry = ChangelogEntry.objects.filter(entity_key=part.ipn, action="update").get()
    assert entry.actor_name == "root" and "info" in entry.changes


@pytest.mark.parametrize(
    ("info", "error"),
    [
        (
            '{"resistance": "10 V"}',
            "resistance: &#x27;10 V&#x27; cannot be converted to Ω: it is a different kind of "
            "quantity.",
        ),
        (
            '{"colour": "red", "resistance": 1}',
            "colour: Unknown info key; this part type has: resistance, tolerance, power, "
            "package, smd, series.",
        ),
        ("{}", "resistance: This info key is required."),
    ],
    ids=["wrong unit", "unknown key", "required key missing"],
)
def test_admin_cannot_store_invalid_info(staff, resistors, info, error):
    part = make_part(resistors, info={"resistance": "1k"})
    response = staff.post(f"{PARTS}{part.pk}/change/", part_change_form(part, info=info))
    assert response.status_code == 200  # the form again, with the error at "info"
    html = response.content.decode()
    # Django's admin puts a field's errors right above it, in the field's row.
    row = re.search(r'<div class="form-row[^"]*field-info">(.*?)</textarea>', html, re.S)
    assert row is not None, "no info field"
    assert '<ul class="errorlist"' in row.group(1)
    assert f"<li>{error}</li>" in row.group(1)
    part.refresh_from_db()
    assert part.info == {"resistance": 1000}


def test_admin_add_creates_the_part_through_the_service(staff, resistors):
    data = part_change_form(
        Part(mpn="X", manufacturer="Acme", description="d"),
        part_type=str(resistors.pk),
        ipn="R-NEW",
        info='{"resistance": "4k7"}',
    )
    response = staff.post(f"{PARTS}add/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    part = Part.objects.get(ipn="R-NEW")
    assert part.info == {"resistance": 4700}
    assert ChangelogEntry.objects.filter(entity_key="R-NEW", action="create").exists()


def test_admin_part_type_add_with_inline_info_keys_goes_through_the_service(staff):
    data = {
        "slug": "capacitor",
        "name": "Capacitors",
        "description": "",
        "ipn_prefix": "CAP",
        "info_keys-TOTAL_FORMS": "1",
        "info_keys-INITIAL_FORMS": "0",
        "info_keys-MIN_NUM_FORMS": "0",
        "info_keys-MAX_NUM_FORMS": "1000",
        "info_keys-0-key": "capacitance",
        "info_keys-0-label": "Capacitance",
        "info_keys-0-kind": "quantity",
        "info_keys-0-unit": "F",
        "info_keys-0-choices": "[]",
        "info_keys-0-position": "0",
        "_save": "Save",
    }
    response = staff.post(f"{TYPES}add/", data)
    assert response.status_code == 302
    assert InfoKey.objects.get(part_type__slug="capacitor").unit == "F"
    assert ChangelogEntry.objects.filter(entity_type="part_type", entity_key="capacitor").exists()
    # The info key's own rules (InfoKey.clean) hold here too: a quantity without a unit is
    # refused at its field, before the service is asked; nothing is saved.
    data.update({"slug": "inductor", "name": "Inductors", "info_keys-0-unit": ""})
    response = staff.post(f"{TYPES}add/", data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<ul class="errorlist"[^>]*><li>A quantity needs a unit \(e.g. ohm, F, V, mm\).</li></ul>',
        html,
    )
    assert not PartType.objects.filter(slug="inductor").exists()
    # And what only the service knows is refused by it: nothing saved, its sentence shown.
    data.update({"slug": "batch", "name": "Batch", "info_keys-0-unit": "H"})
    response = staff.post(f"{TYPES}add/", data, follow=True)
    assert "Not saved: The part type is not valid. slug: &#x27;batch&#x27; is reserved" in (
        response.content.decode()
    )
    assert not PartType.objects.filter(slug="batch").exists()


def test_admin_delete_of_a_part_in_use_is_refused(staff, resistors):
    part = make_part(resistors, info={"resistance": 1})
    receive(Part.objects.get(pk=part.pk), location("SHELF-1"), "1")
    for url in (f"{PARTS}{part.pk}/delete/", f"{TYPES}{resistors.pk}/delete/"):
        html = staff.post(url, {"post": "yes"}, follow=True).content.decode()
        assert "Cannot delete" in html
    assert Part.objects.filter(pk=part.pk).exists()


def test_admin_delete_goes_through_the_service(staff, resistors):
    part = make_part(resistors, info={"resistance": 1})
    response = staff.post(f"{PARTS}{part.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Part.objects.exists()
    assert ChangelogEntry.objects.filter(entity_key=part.ipn, action="delete").exists()


def test_a_refusal_the_admin_cannot_foresee_is_shown_and_rolls_back(staff, resistors, monkeypatch):
    part = make_part(resistors, info={"resistance": 1})
    # As if a later feature (BOM lines) used the part: what register_part_usage() records.
    monkeypatch.setattr(
        part_services, "_PART_USAGES", [("BOM lines", lambda p: Part.objects.filter(pk=p.pk))]
    )
    response = staff.post(f"{PARTS}{part.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Not deleted: Part R" in response.content.decode()
    assert Part.objects.filter(pk=part.pk).exists()
    assert not ChangelogEntry.objects.filter(entity_key=part.ipn, action="delete").exists()
