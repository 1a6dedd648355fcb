"""Downloads of a whole part list: ``GET /api/v1/parts/{ptype}?format=csv|json`` streams
every matching part (``queries.parts``, as the paginated list) without holding them in memory:
rows are read in chunks and written as they come."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse

from config.core.numbers import plain_number
from config.core.renderers import dumps
from inventory.catalogue import queries
from inventory.catalogue.api.serializers import PartSerializer
from inventory.catalogue.models import PART_READ_FIELDS
from inventory.models import PartType

EXPORT_FORMATS = ("csv", "json")
# What a read of a part shows, info apart: it gets one column per info key.
CSV_COLUMNS = tuple(name for name in PART_READ_FIELDS if name != "info")
TAG_SEPARATOR = ";"


class _Line:
    """A file-like object whose ``write`` hands back what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")  # 1e-07 → 0.0000001 for spreadsheets
    if isinstance(value, Decimal):
        return plain_number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _csv_rows(found: queries.PartList, part_type: PartType) -> Iterator[str]:
    keys = [key.key for key in part_type.info_keys.all()]
    writer = csv.writer(_Line())
    yield writer.writerow([*CSV_COLUMNS, *(f"info.{key}" for key in keys)])
    for part in found.iterate():
        fields = [
            TAG_SEPARATOR.join(part.tag_names) if column == "tags" else _cell(getattr(part, column))
            for column in CSV_COLUMNS
        ]
        yield writer.writerow([*fields, *(_cell(part.info.get(key)) for key in keys)])


def _json_items(found: queries.PartList) -> Iterator[str]:
    yield "["
    separator = "\n"
    serializer = PartSerializer()  # one for all rows: building its fields is the costly part
    for part in found.iterate():
        yield separator + dumps(serializer.to_representation(part)).decode()
        separator = ",\n"
    yield "\n]\n"


def export_response(
    found: queries.PartList, part_type: PartType, export_format: str
) -> StreamingHttpResponse:
    """A streamed download of the parts ``found`` (of ``part_type``): CSV (one ``info.<key>`` column per info key, tags
    joined with ";", values as stored) or a JSON array of the API's part objects."""
    if export_format == "csv":
        chunks, content_type = _csv_rows(found, part_type), "text/csv; charset=utf-8"
    else:
        chunks, content_type = _json_items(found), "application/json"
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{part_type.slug}-parts.{export_format}"'
    )
    return response
