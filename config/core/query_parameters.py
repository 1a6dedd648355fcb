"""Query parameters read as strictly as the OpenAPI schema documents them: a value the schema
does not allow is a 400, never quietly ignored (django-filter's boolean filter takes "null"
for "no filter", so `?include_empty=null` listed as if nothing had been asked)."""

import django_filters
from django import forms

from .errors import ValidationFailed

TRUE, FALSE = "true", "false"


def read_boolean(params, name: str, *, default: bool = False) -> bool:
    """``?name=true`` or ``?name=false`` (any case); absent or empty is ``default``."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in (TRUE, FALSE):
        raise ValidationFailed(f"{name} must be true or false.", errors={name: ["true or false."]})
    return raw.lower() == TRUE


class _BooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, str) and value.lower() in (TRUE, FALSE):
            return value.lower() == TRUE
        raise forms.ValidationError("true or false.", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """django-filter's boolean filter (documented as a boolean), refusing anything but
    true/false instead of ignoring it."""

    field_class = _BooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)
