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


def counted_by_info(queryset: QuerySet[Part], part_type: PartType, params: Any) -> Any:
    """``queryset`` (filtered by ``params``) to paginate, counted from the info value indexes
    when info filters are all that narrows it (:func:`queries.count_by_info`); as it is
    otherwise."""
    if any(name in params for name in _NARROWING):
        return queryset
    filters = queries.parse_info_filters(part_type, params)
    if not filters:
        return queryset
    return Counted(queryset, lambda: queries.count_by_info(filters))
