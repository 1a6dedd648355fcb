"""Downloads of a whole part list: ``GET /api/v1/parts/{ptype}?format=csv|json`` streams
every matching part (same filters and ordering as the paginated list) without holding them in
memory: rows are read in chunks and written as they come."""

import csv
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from config.core.numbers import plain_number
from config.core.renderers import dumps
from inventory.catalogue import queries
from inventory.catalogue.api.serializers import PartSerializer
from inventory.models import Part, PartType

EXPORT_FORMATS = ("csv", "json")
CHUNK_SIZE = 500
CSV_COLUMNS = (
    "ipn",
    "mpn",
    "manufacturer",
    "description",
    "footprint",
    "datasheet_url",
    "notes",
    "tags",
    "unit_of_measure",
    "unit_weight_g",
    "low_stock_threshold",
    "archived",
    "created_at",
    "updated_at",
)
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


def _parts(queryset: QuerySet[Part], part_type: PartType) -> Iterator[queries.PartRow]:
    """The parts of ``queryset`` (of ``part_type``) as the list's rows, tag names included,
    read ``CHUNK_SIZE`` at a time."""
    rows = queries.part_rows(queryset).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield from queries.rows_of_type(chunk, part_type)


def _csv_rows(queryset: QuerySet[Part], part_type: PartType) -> Iterator[str]:
    keys = [key.key for key in part_type.info_keys.all()]
    writer = csv.writer(_Line())
    yield writer.writerow([*CSV_COLUMNS, *(f"info.{key}" for key in keys)])
    for part in _parts(queryset, part_type):
        fields = [
            TAG_SEPARATOR.join(part.tag_names) if column == "tags" else _cell(getattr(part, column))
            for column in CSV_COLUMNS
        ]
        yield writer.writerow([*fields, *(_cell(part.info.get(key)) for key in keys)])


def _json_items(queryset: QuerySet[Part], part_type: PartType) -> Iterator[str]:
    yield "["
    separator = "\n"
    serializer = PartSerializer()  # one for all rows: building its fields is the costly part
    for part in _parts(queryset, part_type):
        yield separator + dumps(serializer.to_representation(part)).decode()
        separator = ",\n"
    yield "\n]\n"


def export_response(
    queryset: QuerySet[Part], part_type: PartType, export_format: str
) -> StreamingHttpResponse:
    """A streamed download of ``queryset``: CSV (one ``info.<key>`` column per info key, tags
    joined with ";", values as stored) or a JSON array of the API's part objects."""
    if export_format == "csv":
        chunks, content_type = _csv_rows(queryset, part_type), "text/csv; charset=utf-8"
    else:
        chunks, content_type = _json_items(queryset, part_type), "application/json"
    response = StreamingHttpResponse(
        (chunk.encode() for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{part_type.slug}-parts.{export_format}"'
    )
    return response
