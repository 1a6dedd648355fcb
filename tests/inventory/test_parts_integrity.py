"""Which unique field a write broke is read from the database's report of it
(config.core.integrity), so the services answer a lost race with a 409 at the right field and
let any other integrity error through; and the rules an info key can check by itself are the
model's, behind check constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from config.core.actors import Actor
from config.core.errors import Conflict
from config.core.integrity import unique_fields_violated
from inventory.catalogue import services
from inventory.models import InfoKey, Part, PartAlternate, PartType, StorageLocation
from inventory.stock.services import locations as stock_services
from tests.factories import make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def resistors():
    return make_resistor_type()


def integrity_error(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        write()
    return caught.value


# --- unique_fields_violated -------------------------------------------------------------------


def test_a_unique_field_and_a_unique_constraint_are_named(resistors):
    part = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 1})
    other = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 2})
    same_ipn = integrity_error(lambda: Part.objects.create(part_type=resistors, ipn=part.ipn))
    assert unique_fields_violated(Part, same_ipn) == ("ipn",)
    same_key = integrity_error(
        lambda: InfoKey.objects.create(part_type=resistors, key="resistance", kind="text")
    )
    assert unique_fields_violated(InfoKey, same_key) == ("part_type", "key")
    PartAlternate.objects.create(part_a=part, part_b=other)
    same_pair = integrity_error(lambda: PartAlternate.objects.create(part_a=part, part_b=other))
    assert unique_fields_violated(PartAlternate, same_pair) == ("part_a", "part_b")


def test_a_unique_constraint_with_a_condition_is_named():
    StorageLocation.objects.create(name="Shelf", code="S-1", path="Shelf")
    same_root_name = integrity_error(
        lambda: StorageLocation.objects.create(name="Shelf", code="S-2", path="Shelf")
    )
    assert unique_fields_violated(StorageLocation, same_root_name) == ("name",)


def test_other_integrity_errors_name_no_unique_field(resistors):
    no_unit = integrity_error(
        lambda: InfoKey.objects.create(part_type=resistors, key="length", kind="quantity")
    )
    assert unique_fields_violated(InfoKey, no_unit) is None
    taken_slug = integrity_error(lambda: PartType.objects.create(slug="resistor", name="Again"))
    assert unique_fields_violated(PartType, taken_slug) == ("slug",)
    assert unique_fields_violated(Part, taken_slug) is None  # another model's


# --- the services, when a concurrent writer wins the race -------------------------------------


@pytest.fixture
def checks_miss(monkeypatch):
    """Every "does it exist already?" check answers no, as when a concurrent writer inserts
    between the check and the write."""
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)


def test_an_ipn_taken_meanwhile_is_a_409_at_the_ipn(resistors, checks_miss):
    services.part_create(actor=SYSTEM, part_type=resistors, ipn="R-1", info={"resistance": 1})
    with pytest.raises(Conflict) as refused:
        services.part_create(actor=SYSTEM, part_type=resistors, ipn="R-1", info={"resistance": 1})
    assert refused.value.code == "duplicate"
    assert refused.value.errors == {"ipn": ["A part with IPN 'R-1' already exists."]}


def test_an_ipn_another_types_import_took_meanwhile_is_a_409(resistors, monkeypatch):
    services.part_create(actor=SYSTEM, part_type=resistors, ipn="X-1", info={"resistance": 1})
    monkeypatch.setattr(QuerySet, "values_list", lambda self, *names, **kw: [])
    with pytest.raises(Conflict, match="taken meanwhile; nothing was imported"):
        services.parts_create_many(
            actor=SYSTEM, part_type=resistors, rows=[{"ipn": "X-1", "info": {"resistance": 1}}]
        )
    assert Part.objects.count() == 1


def test_a_slug_taken_meanwhile_is_a_409_at_the_slug(resistors, checks_miss):
    with pytest.raises(Conflict) as refused:
        services.part_type_create(actor=SYSTEM, slug="resistor", name="Again")
    assert refused.value.errors == {"slug": ["A part type with slug 'resistor' already exists."]}


def test_an_alternate_linked_meanwhile_is_a_409(resistors, checks_miss):
    part = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 1})
    other = services.part_create(actor=SYSTEM, part_type=resistors, info={"resistance": 2})
    services.alternate_add(actor=SYSTEM, part=part, alternate=other)
    with pytest.raises(Conflict, match="is already an alternate of"):
        services.alternate_add(actor=SYSTEM, part=other, alternate=part)


def test_a_location_code_or_name_taken_is_a_409_at_that_field():
    shelf = stock_services.location_create(actor=SYSTEM, name="Shelf", code="S-1")
    with pytest.raises(Conflict) as refused:
        stock_services.location_create(actor=SYSTEM, name="Other", code="S-1")
    assert list(refused.value.errors) == ["code"]
    stock_services.location_create(actor=SYSTEM, name="Bin", code="B-1", parent=shelf)
    with pytest.raises(Conflict) as refused:
        stock_services.location_create(actor=SYSTEM, name="Bin", code="B-2", parent=shelf)
    assert refused.value.errors == {"name": ["A sibling location already has this name."]}


# --- the info key's own rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"kind": "quantity"}, {"unit": ["A quantity needs a unit (e.g. ohm, F, V, mm)."]}),
        ({"kind": "text", "unit": "ohm"}, {"unit": ["Only quantities have a unit."]}),
        (
            {"kind": "choice"},
            {"choices": ["A choice key needs a list of non-empty strings."]},
        ),
        ({"kind": "choice", "choices": ["a", "A"]}, {"choices": ["Choices must be distinct."]}),
        ({"kind": "boolean", "choices": ["yes"]}, {"choices": ["Only choice keys have choices."]}),
    ],
)
def test_an_info_key_checks_its_unit_and_choices_itself(resistors, fields, problems):
    key = InfoKey(part_type=resistors, key="new", label="New", **fields)
    with pytest.raises(ValidationError) as refused:
        key.clean()
    assert refused.value.message_dict == problems


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "quantity"},
        {"kind": "number", "unit": "mm"},
        {"kind": "choice"},
        {"kind": "text", "choices": ["a"]},
    ],
)
def test_the_database_refuses_an_info_key_that_breaks_them(resistors, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        InfoKey.objects.create(part_type=resistors, key="new", label="New", **fields)


def test_a_valid_info_key_of_each_kind_passes_clean_and_the_constraints(resistors):
    for kind, extra in [
        ("text", {}),
        ("number", {}),
        ("boolean", {}),
        ("quantity", {"unit": "mm"}),
        ("choice", {"choices": ["a", "b"]}),
    ]:
        key = InfoKey(part_type=resistors, key=f"k-{kind}", label=kind, kind=kind, **extra)
        key.full_clean()
        key.save()
    assert resistors.info_keys.filter(key__startswith="k-").count() == 5
