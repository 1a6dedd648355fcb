from datetime import datetime

import django_filters

from config.core import times
from config.core.errors import ValidationFailed
from config.core.query_parameters import BooleanFilter
from inventory.models import StockBalance, StockMovement, StockStatus


def parse_time(value: str | None, name: str) -> datetime | None:
    """The time of query parameter ``name`` (None when not given); a 400 naming it otherwise."""
    if value in (None, ""):
        return None
    try:
        return times.parse_time(value)
    except ValueError as refusal:
        raise ValidationFailed(f"{name} is not a time.", errors={name: [str(refusal)]}) from None


class TimeFilter(django_filters.CharFilter):
    def __init__(self, *, lookup: str, **kwargs):
        # Not stripped: the form field would trim "\x85" (a space to Python) to "", read as
        # no filter, where the documented pattern refuses it (parse_time does).
        super().__init__(strip=False, **kwargs)
        self.lookup = lookup

    def filter(self, qs, value):
        moment = parse_time(value, self.field_name_param)
        return qs if moment is None else qs.filter(**{f"at__{self.lookup}": moment})

    @property
    def field_name_param(self) -> str:
        return "since" if self.lookup == "gte" else "until"


class StockFilter(django_filters.FilterSet):
    ipn = django_filters.CharFilter(field_name="part__ipn")
    location = django_filters.CharFilter(field_name="location__code")
    lot = django_filters.CharFilter(field_name="lot__name")
    status = django_filters.ChoiceFilter(choices=StockStatus.choices)
    include_empty = BooleanFilter(method="filter_empty")

    class Meta:
        model = StockBalance
        fields = ["ipn", "location", "lot", "status"]

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("include_empty"):
            queryset = queryset.exclude(quantity=0)
        return super().filter_queryset(queryset)

    def filter_empty(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also sees it when absent


class MovementFilter(django_filters.FilterSet):
    ipn = django_filters.CharFilter(field_name="part__ipn")
    location = django_filters.CharFilter(field_name="location__code")
    actor = django_filters.CharFilter(field_name="actor_name")
    source = django_filters.CharFilter(field_name="source")
    operation = django_filters.ChoiceFilter(choices=StockMovement.Operation.choices)
    since = TimeFilter(lookup="gte")
    until = TimeFilter(lookup="lt")

    class Meta:
        model = StockMovement
        fields = ["ipn", "location", "actor", "source", "operation"]
