"""Serializer fields shared by every API, and the base of its request bodies."""

import re
from collections.abc import Mapping
from decimal import Decimal

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from .numbers import plain_number

# "Holds a character that is not a space", for names that may not be blank, with the spaces
# written out: JSON Schema's \S (ECMA-262) and Python's differ (\x1c-\x1f and \x85 are spaces
# only to Python, whose str.strip() and so DRF's trimming remove them; \ufeff only to ECMA), so
# a client generating names from \S could send one the server trims to nothing. Both engines
# read this class alike.
NOT_BLANK = (
    r"[^\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
)


def not_blank_field(**kwargs) -> serializers.RegexField:
    """A name that is not only spaces (spaces around it are trimmed), with that rule in the
    schema as a pattern both a client and the server read alike."""
    kwargs.setdefault("error_messages", {"invalid": "May not be blank."})
    return serializers.RegexField(NOT_BLANK, **kwargs)


class PlainDecimalField(serializers.DecimalField):
    """A decimal as the API writes every decimal (quantities, prices, totals): a string without
    padding zeros, "4000" and "0.25" rather than "4000.000000" and "0.250000" (the same
    number to any parser, and what people typed).

    It reads what it documents: a plain decimal string ("12", "-0.5") or a whole JSON number;
    not exponents ("1e3"), spaces or binary fractions (JSON 0.1), which DRF's field takes."""

    default_error_messages = {
        "plain": 'Send a plain decimal as a string ("12.5") or a whole number.'
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("normalize_output", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        # DRF's DecimalField reads "" as null; the schema allows no empty string, so neither do
        # we: it goes on to to_internal_value and is refused there.
        return super(serializers.DecimalField, self).validate_empty_values(data)

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(self.input_pattern(), data):
            self.fail("plain")
        if isinstance(data, bool | float):
            self.fail("plain")
        return super().to_internal_value(data)

    def input_pattern(self) -> str:
        sign = "" if self.min_value is not None and self.min_value >= 0 else "-?"
        fraction = rf"(?:\.[0-9]{{1,{self.decimal_places}}})?" if self.decimal_places else ""
        # [0-9], not \d: JSON Schema's \d is ASCII, Python's also other scripts' digits.
        return rf"^{sign}[0-9]{{1,{self.max_whole_digits}}}{fraction}$"

    def whole_range(self) -> dict:
        largest = 10 ** (self.max_whole_digits or 0) - 1
        low = self.min_value if self.min_value is not None else -largest
        high = self.max_value if self.max_value is not None else largest
        return {"minimum": int(Decimal(low).to_integral_value()), "maximum": int(high)}


# DRF's ModelSerializer, with the model's decimal fields written as PlainDecimalField. (No
# docstring: drf-spectacular would describe every serializer without one of its own with it.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: PlainDecimalField,
    }


def plain_decimal_pattern(max_whole_digits: int, decimal_places: int) -> str:
    """What :class:`PlainDecimalField` writes, as a regular expression for the schema: no
    leading zeros and, after a point, no trailing ones."""
    whole = "0" if max_whole_digits == 0 else rf"(?:0|[1-9][0-9]{{0,{max_whole_digits - 1}}})"
    fraction = rf"(?:\.[0-9]{{0,{decimal_places - 1}}}[1-9])?" if decimal_places else ""
    return rf"^-?{whole}{fraction}$"


class PlainDecimalFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PlainDecimalField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        if direction == "request":
            return {
                "anyOf": [
                    {
                        **build_basic_type(OpenApiTypes.STR),
                        "format": "decimal",
                        "pattern": field.input_pattern(),
                    },
                    {**build_basic_type(OpenApiTypes.INT), **field.whole_range()},
                ]
            }
        schema = {**build_basic_type(OpenApiTypes.STR), "format": "decimal"}
        if field.max_whole_digits is not None:
            schema["pattern"] = plain_decimal_pattern(field.max_whole_digits, field.decimal_places)
        return schema


def decimal_text(value) -> str | None:
    """What :class:`PlainDecimalField` writes for ``value``, for serializers that build their
    output directly (the ledger's); None stays None."""
    return None if value is None else plain_number(value)


_TEXT_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.DateField,
    serializers.DateTimeField,
    serializers.UUIDField,
    serializers.SlugRelatedField,
)


def json_type_problem(field: serializers.Field, value) -> str | None:
    """Why ``value``, as sent in JSON, is not of the type the schema gives ``field``; None if
    it is. (DRF's fields convert: 0 is false for a BooleanField, 12 is "12" for a CharField.)
    Null is left to the field's own ``allow_null``."""
    if value is None:
        return None
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Must be true or false."
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else "Must be a whole number."
    if isinstance(field, serializers.DecimalField):
        plain = isinstance(value, str | int) and not isinstance(value, bool)
        return None if plain else 'Must be a decimal as a string ("12.5") or a whole number.'
    if isinstance(field, _TEXT_FIELDS):
        return None if isinstance(value, str) else "Must be text."
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return None if isinstance(value, list) else "Must be a list."
    if isinstance(field, serializers.DictField | serializers.Serializer):
        return None if isinstance(value, dict) else "Must be an object."
    return None


def length_problem(field: serializers.Field, value) -> str | None:
    """Why ``value`` is longer than the schema's maxLength for ``field``, counted as sent. DRF
    counts after trimming spaces, so 201 characters ending in a space passed a limit of 200
    that the schema states for the text as sent."""
    limit = getattr(field, "max_length", None)
    text = isinstance(field, serializers.CharField) and isinstance(value, str)
    if text and limit is not None and len(value) > limit:
        return f"Ensure this field has no more than {limit} characters."
    return None


class RequestSerializer(serializers.Serializer):
    """The base of every request body: each value must have the JSON type and, for text, the
    length its schema states before the fields read it, so what the OpenAPI schema documents
    is what is accepted (the API's contract, checked by schemathesis), and 0 is never taken
    for false."""

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        mistyped: dict[str, list[str]] = {}
        too_long: dict[str, list[str]] = {}
        for name, field in self.fields.items():
            if field.read_only or name not in data:
                continue
            pairs = [(name, field, data[name])]
            if isinstance(field, serializers.ListField) and isinstance(data[name], list):
                pairs += [(f"{name}.{i}", field.child, item) for i, item in enumerate(data[name])]
            for key, checked, value in pairs:
                if problem := json_type_problem(checked, value):
                    mistyped[key] = [problem]
                elif problem := length_problem(checked, value):
                    too_long[key] = [problem]
        if mistyped:
            # A value of the wrong type is refused before any field reads (converts) it.
            raise serializers.ValidationError(mistyped)
        # A text too long as sent is reported with the fields' own errors, all at once.
        try:
            validated = super().to_internal_value(data)
        except serializers.ValidationError as refusal:
            if too_long and isinstance(refusal.detail, dict):
                raise serializers.ValidationError({**refusal.detail, **too_long}) from None
            raise
        if too_long:
            raise serializers.ValidationError(too_long)
        return validated
