"""The API's JSON (config.renderers) must say what DRF's own renderer says: clients parse
the same values, datetimes keep DRF's form, and nothing DRF can render is refused."""

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from config.core.renderers import FastJSONRenderer, dumps

SAMPLE = {
    "text": "10 kΩ, 4µ7 — ok",
    "int": 12,
    "float": 4.7e-06,
    "bool": True,
    "none": None,
    "decimal": Decimal("1.500000"),
    "aware": datetime(2026, 11, 22, 10, 0, 0, 123456, tzinfo=UTC),
    "offset": datetime(2026, 11, 22, 10, 0, tzinfo=timezone(timedelta(hours=2))),
    "date": date(2026, 11, 22),
    "time": time(9, 30),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy": gettext_lazy("Not found."),
    "tuple": (1, "a"),
    "set": {"only"},
    "nested": [{"info": {"resistance": 10000.0}}],
    2: "a non-string key",
}


def drf(data) -> bytes:
    return JSONRenderer().render(data)


def test_same_values_as_drf_s_renderer():
    assert json.loads(dumps(SAMPLE)) == json.loads(drf(SAMPLE))


def test_datetimes_keep_drf_s_form():
    body = json.loads(dumps(SAMPLE))
    assert body["aware"] == "2026-11-22T10:00:00.123456Z"
    assert body["offset"] == "2026-11-22T10:00:00+02:00"


def test_an_api_body_is_byte_for_byte_drf_s():
    body = {"count": 1, "results": [{"ipn": "R-1", "tags": ["smd"], "at": SAMPLE["aware"]}]}
    assert dumps(body) == drf(body)


def test_line_separators_are_escaped_for_script_elements():
    assert dumps({"note": "a\u2028b\u2029c"}) == drf({"note": "a\u2028b\u2029c"})
    assert b"\\u2028" in dumps({"note": "a\u2028b"})


def test_indented_output_when_asked():
    rendered = FastJSONRenderer().render(
        {"a": 1}, "application/json; indent=2", {"request": None, "response": None}
    )
    assert rendered == b'{\n  "a": 1\n}'


def test_unknown_types_are_refused_like_drf():
    with pytest.raises(TypeError):
        dumps({"thing": object()})
    with pytest.raises(TypeError):
        drf({"thing": object()})
