import re
from datetime import UTC, datetime

import django_filters
from django.utils.dateparse import parse_datetime

from config.core.errors import ValidationFailed
from config.core.query_parameters import BooleanFilter
from inventory.models import StockBalance, StockMovement, StockStatus

# What since/until take, as the schema documents it: Unix epoch seconds, or an ISO 8601 date
# with an optional time and zone.
TIME_PATTERN = (
    r"^(-?\d{1,12}(\.\d{1,6})?"
    r"|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])"
    r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?)$"
)
EPOCH = re.compile(r"-?\d+(\.\d+)?")


def parse_time(value: str | None, name: str) -> datetime | None:
    """ISO 8601 (naive means UTC) or Unix epoch seconds."""
    if value in (None, ""):
        return None
    try:
        if EPOCH.fullmatch(value):
            return datetime.fromtimestamp(float(value), tz=UTC)
        parsed = parse_datetime(value)
        if parsed is not None:
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            # The database compares in UTC: a time that has none (year 1 at +14:00) is refused.
            parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        parsed = None
    if parsed is None:
        raise ValidationFailed(
            f"{name} is not a time.",
            errors={name: ["Use ISO 8601 (2026-01-31T12:00:00Z) or Unix epoch seconds."]},
        )
    return parsed


class TimeFilter(django_filters.CharFilter):
    def __init__(self, *, lookup: str, **kwargs):
        super().__init__(**kwargs)
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
