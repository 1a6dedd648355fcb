from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


class Counted:
    """``queryset`` to paginate, with its length from ``count`` instead of
    ``queryset.count()``: for lists whose rows are cheap to page through but whose COUNT of
    the same query is not, while an equivalent query counts them cheaply. Any paginator takes
    it (Django's ``Paginator`` asks its objects for ``count()`` and slices)."""

    def __init__(self, queryset: QuerySet, count: Callable[[], int]):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count()

    def __getitem__(self, index):
        return self.queryset[index]

    def __len__(self) -> int:
        return self.count()

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered
