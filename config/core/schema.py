"""Pieces of the OpenAPI schema shared by every app, and the project's schema conventions."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from .api_fields import PlainDecimalField


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence for people.")
    code = serializers.CharField(help_text="A stable code for programs.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Validation errors per field (400 only). Fields of nested objects are named by "
            "their path: `new_lot.name`, `keys.2.ipn`."
        ),
    )
    # What some refusals add, by their code.
    available = PlainDecimalField(
        max_digits=18, decimal_places=6, required=False, help_text="insufficient_stock: on hand."
    )
    requested = PlainDecimalField(
        max_digits=18,
        decimal_places=6,
        required=False,
        help_text="insufficient_stock: what was asked for.",
    )
    usages = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="in_use: what still uses it (e.g. stock history).",
    )
    rejected = serializers.IntegerField(
        required=False, help_text="rows_rejected: how many rows were refused."
    )


ERROR_TEXT = {
    400: "Invalid input",
    401: "Not authenticated",
    403: "Role does not allow this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Unprocessable",
    429: "Throttled",
    502: "An upstream service (an OpenID provider) failed",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=...)``, all in the one error shape."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_TEXT.get(code, ""))
        for code in statuses
    }


def page_of(name: str, results: serializers.Serializer, **extra: serializers.Field):
    """The schema of a page of ``results`` (a ``many=True`` serializer) with ``extra`` keys
    beside count/next/previous/results, for lists that answer more than their rows."""
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": results,
            **extra,
        },
    )


def _lists(view, method: str) -> bool:
    # A GET that pages its rows: DRF's list action, or a plain view with a paginator.
    return (
        method == "GET"
        and getattr(view, "pagination_class", None) is not None
        and getattr(view, "action", None) in (None, "list")
    )


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, with two conventions of this API:

    - An operation's description is written for integrators in its ``extend_schema``;
      docstrings are written for maintainers and never reach the schema.
    - A list documents every query parameter it accepts: its paginator's, its filter
      backends' and the view's own ``query_parameters``. The paginator refuses any other
      (config.core.pagination), so what is documented and what is accepted are one list."""

    def get_description(self) -> str:
        return ""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not _lists(self.view, self.method):
            return parameters
        paging = [
            OpenApiParameter(
                described["name"], described["schema"], description=described["description"]
            )
            for described in self.view.pagination_class().get_schema_operation_parameters(self.view)
        ]
        return [*parameters, *paging, *getattr(self.view, "query_parameters", ())]


def document_common_refusals(result, generator, request, public):
    """Postprocessing hook: what holds for every operation, documented once here rather than
    on each view. A query parameter given empty counts as not given. The refusals every
    operation of a kind can answer: Every operation with a body: 400 (not JSON, or
    invalid) and 413 (over DATA_UPLOAD_MAX_MEMORY_SIZE). Every paged list: 400 for a bad page
    or an unknown query parameter and 404 for a page past the last one."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result["paths"].values():
        for method, operation in path_item.items():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "query":
                    # `?name=` is the same as leaving name out, on every operation.
                    parameter["allowEmptyValue"] = True
            responses = operation["responses"]
            if "requestBody" in operation:
                responses.setdefault("400", {"description": ERROR_TEXT[400], "content": error})
                responses.setdefault("413", {"description": ERROR_TEXT[413], "content": error})
            pages = any(p["name"] == "page" for p in operation.get("parameters", ()))
            if method == "get" and pages:
                responses.setdefault(
                    "400",
                    {"description": "Invalid page or unknown query parameter", "content": error},
                )
                responses.setdefault(
                    "404", {"description": "Page past the last one", "content": error}
                )
    return result
