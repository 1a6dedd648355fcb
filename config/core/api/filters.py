import django_filters

from ..models import ChangelogEntry


class ChangelogFilter(django_filters.FilterSet):
    entity_type = django_filters.CharFilter(help_text="Exact entity type, e.g. part.")
    entity_key = django_filters.CharFilter(help_text="Exact entity key, e.g. a part's IPN.")
    actor = django_filters.CharFilter(
        field_name="actor_name", help_text="Who: a username, job name or sensor serial."
    )
    action = django_filters.ChoiceFilter(choices=ChangelogEntry.Action.choices)

    class Meta:
        model = ChangelogEntry
        fields = ["entity_type", "entity_key", "actor", "action"]
