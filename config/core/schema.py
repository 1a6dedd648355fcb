"""Pieces of the OpenAPI schema shared by every app."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence for people.")
    code = serializers.CharField(help_text="A stable code for programs.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors per field (400 only).",
    )


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=...)``, all in the one error shape."""
    text = {
        400: "Invalid input",
        401: "Not authenticated",
        403: "Role does not allow this",
        404: "Not found",
        409: "Conflicts with the current state",
        422: "Unprocessable",
        429: "Throttled",
    }
    return {
        code: OpenApiResponse(ErrorSerializer, description=text.get(code, "")) for code in statuses
    }
