"""What ``OPTIONS`` answers on every API path."""

from rest_framework.metadata import BaseMetadata

# Where the seed puts the full description of every operation.
SCHEMA_URL = "/apidoc/openapi.json"


class ApiMetadata(BaseMetadata):
    """The methods the path takes (also in the ``Allow`` header) and where the OpenAPI schema
    describes them. DRF's ``SimpleMetadata`` instead looks the object up and describes the
    request serializers: a second, drifting description of the bodies, which failed with a
    500 on views that find their objects by their own keys, and showed view docstrings."""

    def determine_metadata(self, request, view) -> dict:
        return {"methods": view.allowed_methods, "schema": SCHEMA_URL}
