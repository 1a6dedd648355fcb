"""Model fields shared by the apps."""

import orjson
from django.db import models
from django.db.models.fields.json import KeyTransform


class FastJSONField(models.JSONField):
    """A ``JSONField`` decoded with orjson: the part lists and the changelog decode one value
    per row, thousands per request, and the standard library's decoder cost more than the
    query. Anything orjson refuses (NaN, integers beyond 64 bits) and any field with its own
    ``decoder`` are decoded as ``JSONField`` does, so the values read are the same.

    It deconstructs as a plain ``JSONField``: how values are read is not schema, so it needs
    no migration."""

    def from_db_value(self, value, expression, connection):
        plain = self.decoder is None and not isinstance(expression, KeyTransform)
        if plain and isinstance(value, str):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs
