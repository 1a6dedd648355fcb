"""Query-string filters of ``GET /api/v1/parts/{ptype}``. The fixed fields are a django-filter
FilterSet (so the schema lists them); the per-type ``info.<key>`` filters are read from the
same query string by ``queries.parse_info_filters``. Both are handed to ``queries.parts``, the
query the UI's parts list reads too, so both lists narrow, order and default alike."""

from typing import Any

import django_filters
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend

from inventory.catalogue import queries
from inventory.models import Part

INFO_FILTERS_HELP = (
    "Info filters, per key of the part type: `info.<key>=<value>` (equality; repeat for any "
    "of several values), `info.<key>.min=` / `info.<key>.max=` (inclusive, numeric keys). "
    "Quantities accept units and SI prefixes: `info.resistance.min=1k&info.resistance.max=20k`."
)


class PartFilter(django_filters.FilterSet):
    """Declares and validates the fixed parameters; :class:`PartFilterBackend` hands them to
    ``queries.parts``, which does the narrowing."""

    search = django_filters.CharFilter(
        help_text="Text in the IPN, MPN (punctuation ignored), manufacturer or description.",
    )
    tags = django_filters.CharFilter(help_text="Comma-separated tag names; parts with all of them.")
    manufacturer = django_filters.CharFilter(help_text="Exact, case-insensitive.")
    archived = django_filters.ChoiceFilter(
        choices=queries.ARCHIVED_CHOICES,
        help_text=(
            "`false` (the default): active parts only; `true`: archived parts only; `all`: both."
        ),
    )
    ordering = django_filters.CharFilter(
        help_text=(
            "Comma-separated, `-` for descending: ipn, mpn, manufacturer, description, "
            "created_at, updated_at, info.<key> (numeric keys sort numerically). Default: ipn."
        ),
    )

    class Meta:
        model = Part
        fields = ["search", "tags", "manufacturer", "archived", "ordering"]


class PartFilterBackend(DjangoFilterBackend):
    """Reads a part list's query string as the arguments of ``queries.parts``: PartFilter's
    fixed parameters, then the view's part type's ``info.<key>`` filters (each refused with a
    400 that names the parameter)."""

    def list_arguments(self, request, view) -> dict[str, Any]:
        params = request.query_params
        arguments: dict[str, Any] = {"part_type": view.part_type}
        # Given none of its parameters, the FilterSet would validate an empty form, at the
        # cost of a tenth of a list page's Python work.
        if any(name in params for name in PartFilter.base_filters):
            filterset = self.get_filterset(request, Part.objects.none(), view)
            if not filterset.is_valid():
                raise utils.translate_validation(filterset.errors)
            data = filterset.form.cleaned_data
            arguments.update(
                search=data["search"],
                tags=[name.strip() for name in data["tags"].split(",") if name.strip()],
                manufacturer=data["manufacturer"].strip(),
                archived=data["archived"] or queries.ARCHIVED_HIDDEN,
                ordering=data["ordering"],
            )
        arguments["info_filters"] = queries.parse_info_filters(view.part_type, params)
        return arguments
