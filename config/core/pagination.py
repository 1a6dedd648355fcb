"""Pages of every API list: ``?page=&page_size=`` (DESIGN.md, "API conventions").

Every paginated list also refuses query parameters it does not know, here, in one place: a
misspelt filter (``?part=`` for ``?ipn=``) must not quietly answer with everything. What a list
knows is what its OpenAPI operation documents (see :func:`known_query_parameters`)."""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination

from .errors import ValidationFailed
from .numbers import whole_number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    # Pages are numbers only: "last" is no page number the schema can document.
    last_page_strings = ()

    def paginate_queryset(self, queryset, request, view=None):
        self.check_query_parameters(request, view)
        return super().paginate_queryset(queryset, request, view)

    def check_query_parameters(self, request, view) -> None:
        """Refuse what a list cannot answer: a parameter it does not know, a page or page
        size that is not a number from 1. A list that answers without paging (a download)
        calls this itself, so it refuses the same requests."""
        refuse_unknown_query_parameters(request, view, self)
        refuse_repeated_query_parameters(request, view)
        _positive_int(request.query_params, self.page_query_param)
        _positive_int(request.query_params, self.page_size_query_param)

    def get_page_number(self, request, paginator):
        # A page that is not a page number is a bad request (400); only a page past the end
        # is missing (404, from DRF).
        return _positive_int(request.query_params, self.page_query_param) or 1

    def get_page_size(self, request):
        # More than max_page_size is capped, as DRF does; not a number is refused.
        size = _positive_int(request.query_params, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            # What _positive_int takes: twenty digits at most (more is a 400).
            parameter["schema"]["maximum"] = MAX_NUMBER
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page (default {self.page_size}; more than "
                    f"{self.max_page_size} gives {self.max_page_size})."
                )
            else:
                parameter["description"] = "Page number, from 1; past the last page is a 404."
        return parameters


# Twenty digits is past any page; Python refuses int() on 4,300 digits or more.
MAX_NUMBER = 10**20 - 1


def _positive_int(params, name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None  # an empty parameter is one not given (config.core.schema)
    number = whole_number(raw, max_digits=20)
    if not number:
        raise ValidationFailed(
            f"{name} must be a whole number from 1.",
            code="invalid_page",
            errors={name: ["A whole number from 1."]},
        )
    return number


def known_query_parameters(view, paginator) -> set[str]:
    """The query parameters a list takes: its paginator's and filter backends' (through the
    same DRF methods that describe them in the OpenAPI schema) and those the view documents
    itself in ``query_parameters`` (drf-spectacular ``OpenApiParameter`` objects, added to its
    schema by :class:`config.core.schema.AutoSchema`)."""
    described = [*paginator.get_schema_operation_parameters(view)]
    names = {parameter.name for parameter in getattr(view, "query_parameters", ())}
    for backend_class in getattr(view, "filter_backends", ()):
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            # django-filter no longer describes its parameters itself; drf-spectacular lists
            # the filter set's filters, as here.
            filterset = backend.get_filterset_class(view, view.get_queryset())
            names.update(filterset.base_filters if filterset else ())
        else:
            described += backend.get_schema_operation_parameters(view)
    return names | {parameter["name"] for parameter in described}


def refuse_unknown_query_parameters(request, view, paginator) -> None:
    known = known_query_parameters(view, paginator)
    prefixes: Iterable[str] = getattr(view, "query_parameter_prefixes", ())
    unknown = sorted(
        name
        for name in request.query_params
        if name not in known and not name.startswith(tuple(prefixes))
    )
    if unknown:
        allowed = ", ".join(sorted(known) + [f"{prefix}<key>" for prefix in prefixes])
        raise ValidationFailed(
            f"Unknown query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"This list takes: {allowed}.",
            code="unknown_parameter",
            errors={
                name: [f"Not a parameter of this list. Use one of: {allowed}."] for name in unknown
            },
        )


def refuse_repeated_query_parameters(request, view) -> None:
    """Every documented parameter of a list is one value (the schema has no arrays; lists of
    tags are comma-separated): one given twice is a 400, not read as its last value, which
    would silently drop the first. The view's prefixed parameters (``info.<key>``) are the
    exception: given twice, they mean either value."""
    params = request.query_params
    prefixes = tuple(getattr(view, "query_parameter_prefixes", ()))
    repeated = sorted(
        name
        for name in params
        if len(params.getlist(name)) > 1 and not (prefixes and name.startswith(prefixes))
    )
    if repeated:
        raise ValidationFailed(
            f"Given more than once: {', '.join(repeated)}. Give each parameter once.",
            code="repeated_parameter",
            errors={name: ["Given more than once; give it once."] for name in repeated},
        )


def paginated_response(request, view, queryset, serializer_class, *, context=None, **extra):
    """One page of ``queryset`` in the API's page shape, plus ``extra`` keys, for list views
    that are not DRF generic views (they set ``pagination_class`` for their schema)."""
    paginator = (getattr(view, "pagination_class", None) or PageNumberPagination)()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer_class(page, many=True, context=context or {}).data
    response = paginator.get_paginated_response(data)
    response.data.update(extra)
    return response


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
