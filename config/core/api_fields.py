"""Serializer fields shared by every API."""

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from .numbers import plain_number


class PlainDecimalField(serializers.DecimalField):
    """A decimal as the API writes every decimal (quantities, prices, totals): a string without
    padding zeros, "4000" and "0.25" rather than "4000.000000" and "0.250000" (the same
    number to any parser, and what people typed). Reads decimals like DRF's field."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("normalize_output", True)
        super().__init__(**kwargs)


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
    whole = "0" if max_whole_digits == 0 else rf"(?:0|[1-9]\d{{0,{max_whole_digits - 1}}})"
    fraction = rf"(?:\.\d{{0,{decimal_places - 1}}}[1-9])?" if decimal_places else ""
    return rf"^-?{whole}{fraction}$"


class PlainDecimalFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PlainDecimalField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {**build_basic_type(OpenApiTypes.STR), "format": "decimal"}
        if field.max_whole_digits is not None:
            schema["pattern"] = plain_decimal_pattern(field.max_whole_digits, field.decimal_places)
        return schema


def decimal_text(value) -> str | None:
    """What :class:`PlainDecimalField` writes for ``value``, for serializers that build their
    output directly (the ledger's); None stays None."""
    return None if value is None else plain_number(value)
