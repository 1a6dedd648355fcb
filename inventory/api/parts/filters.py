"""Query-string filters of ``GET /api/v1/parts/{ptype}``. The fixed fields are a django-filter
FilterSet (so the schema lists them); the per-type ``info.<key>`` filters are read by
:func:`inventory.queries.catalogue.parse_info_filters` from the same query string."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from config.pagination import Counted

from ...models import Part, PartType
from ...queries import catalogue as queries

INFO_FILTERS_HELP = (
    "Info filters, per key of the part type: `info.<key>=<value>` (equality; repeat for any "
    "of several values), `info.<key>.min=` / `info.<key>.max=` (inclusive, numeric keys). "
    "Quantities accept units and SI prefixes: `info.resistance.min=1k&info.resistance.max=20k`."
)


class PartFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Text in the IPN, MPN (punctuation ignored), manufacturer or description.",
    )
    tags = django_filters.CharFilter(
        method="filter_tags", help_text="Comma-separated tag names; parts with all of them."
    )
    manufacturer = django_filters.CharFilter(
        field_name="manufacturer", lookup_expr="iexact", help_text="Exact, case-insensitive."
    )
    archived = django_filters.BooleanFilter(help_text="true or false; both when left out.")
    ordering = django_filters.CharFilter(
        method="filter_ordering",
        help_text=(
            "Comma-separated, `-` for descending: ipn, mpn, manufacturer, description, "
            "created_at, updated_at, info.<key> (numeric keys sort numerically). Default: ipn."
        ),
    )

    class Meta:
        model = Part
        fields = ["search", "tags", "manufacturer", "archived", "ordering"]

    def __init__(self, *args, part_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.part_type = part_type

    def filter_search(self, queryset, name, value):
        return queries.search(queryset, value)

    def filter_tags(self, queryset, name, value):
        return queries.with_tags(queryset, [tag.strip() for tag in value.split(",") if tag.strip()])

    def filter_ordering(self, queryset, name, value):
        return queries.order_parts(queryset, self.part_type, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        filters = queries.parse_info_filters(self.part_type, self.data)
        return queries.filter_by_info(queryset, filters)


class PartFilterBackend(DjangoFilterBackend):
    """Hands the view's part type to :class:`PartFilter` (info keys are per type)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "part_type": view.part_type,
        }


# The fixed filters that narrow the parts (ordering only sorts them).
_NARROWING = ("search", "tags", "manufacturer", "archived")


class _InfoFilteredPage(Counted):
    """Parts narrowed by info filters alone, counted from the value indexes; a page is read
    with ``probe=True`` (the same parts, found by checking each part in IPN order) when the
    count shows that to be cheaper (:func:`queries.probing_is_cheaper`)."""

    def __init__(self, rows: QuerySet, part_type: PartType, filters: dict):
        super().__init__(rows, self._count_values)
        self._part_type = part_type
        self._filters = filters
        self._counted: queries.InfoCount | None = None

    def _count_values(self) -> int:
        self._counted = queries.count_by_info(self._filters)
        return self._counted.matches

    def __getitem__(self, index):
        if (
            isinstance(index, slice)
            and index.stop is not None
            and self._counted is not None
            and queries.probing_is_cheaper(self._counted, index.stop)
        ):
            parts = queries.parts_of_type(self._part_type)
            probing = queries.filter_by_info(parts, self._filters, probe=True)
            return queries.part_rows(probing)[index]
        return super().__getitem__(index)


def counted_by_info(rows: QuerySet, part_type: PartType, params: Any) -> Any:
    """``rows`` (``queries.part_rows`` of the parts of ``part_type`` filtered by ``params``)
    to paginate: when info filters are all that narrows them, counted from the info value
    indexes (:func:`queries.count_by_info`) and, in the default IPN order, read by whichever
    plan is cheaper for the page asked; as they are otherwise."""
    if any(name in params for name in _NARROWING):
        return rows
    filters = queries.parse_info_filters(part_type, params)
    if not filters:
        return rows
    if "ordering" in params:  # probing only pays when walking the parts in IPN order
        return Counted(rows, lambda: queries.count_by_info(filters).matches)
    return _InfoFilteredPage(rows, part_type, filters)
