"""Query-string filters of ``GET /api/v1/parts/{ptype}``. The fixed fields are a django-filter
FilterSet (so the schema lists them); the per-type ``info.<key>`` filters are read from the
same query string by ``queries.parse_info_filters``, and :func:`rows_to_page` picks how a page
of them is read."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from config.core.pagination import Counted
from inventory.catalogue import queries
from inventory.models import Part

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


class PartFilterBackend(DjangoFilterBackend):
    """Hands the view's part type to :class:`PartFilter` (info keys are per type)."""

    def filter_queryset(self, request, queryset, view):
        # Given none of its parameters, the FilterSet validates an empty form and hands the
        # parts back as they are, at the cost of a tenth of a list page's Python work.
        if not any(name in request.query_params for name in PartFilter.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        return {
            **super().get_filterset_kwargs(request, queryset, view),
            "part_type": view.part_type,
        }


# The fixed filters that narrow the parts (ordering only sorts them).
_NARROWING = ("search", "tags", "manufacturer", "archived")


class _InfoFilteredPage:
    """Parts narrowed by info filters alone, counted from the value indexes. A page is read
    with ``probe=True`` (the same parts, found by checking each part in IPN order) when the
    count shows that to be cheaper (:func:`queries.probing_is_cheaper`). Only the query of the
    plan chosen is built: here building a query costs more than running it."""

    ordered = True  # the parts come in IPN order (parts_of_type)

    def __init__(self, parts: QuerySet[Part], filters: dict):
        self._parts = parts
        self._filters = filters
        self._counted: queries.InfoCount | None = None

    def count(self) -> int:
        if self._counted is None:
            self._counted = queries.count_by_info(self._filters)
        return self._counted.matches

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        probe = (
            isinstance(index, slice)
            and index.stop is not None
            and self._counted is not None  # the paginator counts before it slices
            and queries.probing_is_cheaper(self._counted, index.stop)
        )
        found = queries.filter_by_info(self._parts, self._filters, probe=probe)
        return queries.part_rows(found)[index]


def rows_to_page(parts: QuerySet[Part], filters: dict, params: Any) -> Any:
    """The ``queries.part_rows`` of ``parts`` (already narrowed by :class:`PartFilter`) that
    pass the info ``filters`` (``queries.parse_info_filters`` of ``params``), to paginate.
    When info filters are all that narrows them, they are counted from the info value indexes
    (:func:`queries.count_by_info`) and, in the default IPN order, a page is read by whichever
    plan is cheaper for it."""
    narrowed = any(name in params for name in _NARROWING)
    if filters and not narrowed and "ordering" not in params:
        return _InfoFilteredPage(parts, filters)
    rows = queries.part_rows(queries.filter_by_info(parts, filters))
    if filters and not narrowed:  # ordered: probing only pays when walking in IPN order
        return Counted(rows, lambda: queries.count_by_info(filters).matches)
    return rows
