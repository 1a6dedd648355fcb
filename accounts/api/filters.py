import django_filters

from config.core.query_parameters import BooleanFilter
from config.core.roles import Role

from ..models import User


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = BooleanFilter()

    class Meta:
        model = User
        fields = ["role", "is_active"]
