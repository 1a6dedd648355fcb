"""One list of a part's fields (``PART_FIELDS``): every reader and writer of parts takes its
fields from it, so a field added there reaches the services, the API, the CSV export and
import, the part form and the admin, or a test here says which one it missed."""

import csv
import inspect
import io

import pytest

from config.core.actors import Actor
from inventory.catalogue import queries, services
from inventory.catalogue.admin import PartAdminForm
from inventory.catalogue.api.serializers import (
    InfoKeySerializer,
    PartSerializer,
    PartUpdateSerializer,
    PartWriteSerializer,
)
from inventory.catalogue.forms import PartForm
from inventory.catalogue.models import INFO_KEY_FIELDS, PART_FIELDS, PART_READ_FIELDS
from inventory.management.commands.import_parts import PART_COLUMNS
from tests.factories import make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def resistors():
    return make_resistor_type()


def test_the_services_take_every_part_field():
    create = set(inspect.signature(services.part_create).parameters)
    assert create == {"actor", "part_type", "ipn", *PART_FIELDS}
    assert services.PART_FIELDS == PART_FIELDS  # what part_update accepts


def test_the_api_shows_every_part_field_and_takes_them_all(resistors):
    part = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 1})
    shown = PartSerializer(queries.part_by_key("resistor", part.ipn)).data
    assert list(shown) == PartSerializer.Meta.fields
    assert set(shown) == {*PART_READ_FIELDS, "part_type", "info_display", "url"}
    assert set(PartWriteSerializer().fields) == {"ipn", *PART_FIELDS}
    assert set(PartUpdateSerializer().fields) == set(PART_FIELDS)
    assert InfoKeySerializer.Meta.fields == list(INFO_KEY_FIELDS)


def test_a_listed_part_has_every_field_the_api_shows(as_viewer, resistors):
    services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 1})
    listed = as_viewer.get("/api/v1/parts/resistor").json()["results"][0]
    detail = as_viewer.get(listed["url"]).json()
    assert listed == detail


def test_the_csv_export_and_import_have_a_column_per_part_field(as_viewer, resistors):
    services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 1})
    response = as_viewer.get("/api/v1/parts/resistor?format=csv")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    info_columns = [f"info.{key.key}" for key in resistors.info_keys.order_by("position")]
    assert header == [name for name in PART_READ_FIELDS if name != "info"] + info_columns
    assert set(PART_COLUMNS) == {"ipn", *PART_FIELDS} - {"info"}


def test_the_part_form_and_the_admin_have_a_field_per_part_field(resistors):
    form = PartForm(part_type=resistors)
    info_fields = {f"info.{key.key}" for key in resistors.info_keys.all()}
    assert set(form.fields) == {"ipn", *PART_FIELDS, *info_fields} - {"info"}
    assert set(PartAdminForm.base_fields) == {"part_type", "ipn", *PART_FIELDS}
