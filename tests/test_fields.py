"""config.core.fields.FastJSONField must read back exactly what a JSONField would."""

import math

import pytest
from django.db import connection

from config.core.fields import FastJSONField
from inventory.models import Part
from tests.inventory.stock_helpers import part

pytestmark = pytest.mark.django_db

VALUES = [
    {"resistance": 10000, "tolerance": 0.01, "smd": True, "package": "0603", "none": None},
    {"nested": {"list": [1, 2.5, "x", [None]]}, "unicode": "10 kΩ ± 1 % — µF"},
    {"huge": 2**70, "negative": -(2**65)},  # beyond 64 bits: orjson refuses, json reads them
    {"tiny": 1e-300, "exponent": 1.5e300},
    [],
    "just a string",
    12,
]


@pytest.mark.parametrize("value", VALUES)
def test_values_read_back_as_a_jsonfield_reads_them(value):
    saved = part("RES-1")
    Part.objects.filter(pk=saved.pk).update(info=value)
    assert Part.objects.get(pk=saved.pk).info == value
    assert Part.objects.values_list("info", flat=True).get(pk=saved.pk) == value


def test_key_lookups_still_read_single_values():
    saved = part("RES-1", info={"resistance": 4700, "package": "0603"})
    found = Part.objects.filter(pk=saved.pk).values_list("info__resistance", "info__package")
    assert list(found) == [(4700, "0603")]


def test_text_orjson_refuses_is_read_as_jsonfield_reads_it():
    # Text that is not JSON at all comes back as it is (what JSONField does).
    field = FastJSONField()
    assert field.from_db_value("not json", None, connection) == "not json"
    # NaN is not JSON; orjson refuses it and the standard decoder reads it, as before.
    assert math.isnan(field.from_db_value('{"a": NaN}', None, connection)["a"])


def test_it_needs_no_migration_of_its_own():
    assert FastJSONField().deconstruct()[1] == "django.db.models.JSONField"
