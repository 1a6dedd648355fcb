"""REST API of the parts catalogue (seed 000, "Parts" and "Part Types"): thin views over
``inventory.catalogue.services`` and ``inventory.catalogue.queries``."""

from types import SimpleNamespace

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status, viewsets
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from accounts.actors import actor_from_request
from config.core.errors import NotFound, ValidationFailed
from config.core.numbers import whole_number
from config.core.roles import Role
from config.core.schema import errors, page_of
from inventory.catalogue import queries, services
from inventory.catalogue.api import serializers as s
from inventory.catalogue.api.export import EXPORT_FORMATS, export_response
from inventory.catalogue.api.filters import INFO_FILTERS_HELP, PartFilter, PartFilterBackend
from inventory.models import Part, PartType

PATH = OpenApiParameter.PATH
TYPE_ID = OpenApiParameter("type_id", str, PATH, description="Part type id or slug.")
PTYPE = OpenApiParameter("ptype", str, PATH, description="Part type slug.")
IPN = OpenApiParameter("ipn", str, PATH, description="Internal part number.")
ALT_IPN = OpenApiParameter("alt_ipn", str, PATH, description="IPN of the alternate part.")
MPN = OpenApiParameter(
    "mpn", str, PATH, description="Manufacturer part number; case and punctuation are ignored."
)
EXPORT = OpenApiParameter(
    "format",
    str,
    enum=list(EXPORT_FORMATS),
    description=(
        "Download every matching part instead of a page: `csv` (one `info.<key>` column per "
        "info key, tags joined with `;`) or `json` (an array of parts). Streamed, not paginated."
    ),
)
# The same media type answers both: a page, or the JSON download (an array).
PAGE_OR_DOWNLOAD = PolymorphicProxySerializer(
    component_name="PartPageOrDownload",
    serializers=[
        page_of("PaginatedPartList", s.PartSerializer(many=True)),
        s.PartSerializer(many=True),
    ],
    resource_type_field_name=None,
    many=False,
)
# A choice of strings: drf-spectacular would type it as the model field, a boolean.
ARCHIVED = OpenApiParameter(
    "archived",
    str,
    enum=[value for value, _label in queries.ARCHIVED_CHOICES],
    description=PartFilter.base_filters["archived"].extra["help_text"],
)
LIMIT = OpenApiParameter(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": queries.MPN_SEARCH_MAX_LIMIT},
    description=f"At most this many parts (default {queries.MPN_SEARCH_LIMIT}, "
    f"max {queries.MPN_SEARCH_MAX_LIMIT}).",
)


class ExportNegotiation(DefaultContentNegotiation):
    """On part lists ``?format=`` chooses a download (see ``export``), not a DRF renderer:
    responses, errors included, are rendered as JSON as everywhere else."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class PartTypeViewSet(viewsets.GenericViewSet):
    filter_backends: list = []
    serializer_class = s.PartTypeSerializer
    queryset = PartType.objects.none()  # for the schema; reads go through queries
    required_roles = {
        "list": Role.VIEWER,
        "retrieve": Role.VIEWER,
        "create": Role.MANAGER,
        "destroy": Role.MANAGER,
    }

    @extend_schema(
        operation_id="part_types_list",
        responses={200: s.PartTypeSerializer(many=True), **errors(401, 403)},
        summary="All part types with their info keys.",
    )
    def list(self, request):
        page = self.paginate_queryset(queries.part_types().order_by("slug"))
        return self.get_paginated_response(s.PartTypeSerializer(page, many=True).data)

    @extend_schema(
        operation_id="part_types_create",
        request=s.PartTypeCreateSerializer,
        responses={201: s.PartTypeSerializer, **errors(400, 401, 403, 409)},
        summary='Create a part type with its info keys. Slugs "batch" and "search" are reserved.',
    )
    def create(self, request):
        data = s.PartTypeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        part_type = services.part_type_create(
            actor=actor_from_request(request), **data.validated_data
        )
        body = s.PartTypeSerializer(queries.part_type_by_ref(str(part_type.pk))).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="part_types_retrieve",
        parameters=[TYPE_ID],
        responses={200: s.PartTypeSerializer, **errors(401, 403, 404)},
    )
    def retrieve(self, request, type_id):
        return Response(s.PartTypeSerializer(queries.part_type_by_ref(type_id)).data)

    @extend_schema(
        operation_id="part_types_delete",
        parameters=[TYPE_ID],
        responses={204: None, **errors(401, 403, 404, 409)},
        summary="Delete a part type that has no parts (409 in_use otherwise).",
    )
    def destroy(self, request, type_id):
        part_type = queries.part_type_by_ref(type_id)
        services.part_type_delete(actor=actor_from_request(request), part_type=part_type)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InfoKeyViewSet(viewsets.GenericViewSet):
    filter_backends: list = []
    serializer_class = s.InfoKeySerializer
    queryset = PartType.objects.none()
    pagination_class = None
    required_roles = {"list": Role.VIEWER}

    @extend_schema(
        operation_id="part_types_info_keys",
        parameters=[TYPE_ID],
        responses={200: s.InfoKeySerializer(many=True), **errors(401, 403, 404)},
        summary="The info keys of a part type, in display order.",
    )
    def list(self, request, type_id):
        part_type = queries.part_type_by_ref(type_id)
        return Response(s.InfoKeySerializer(part_type.info_keys.all(), many=True).data)


class PartViewSet(viewsets.GenericViewSet):
    serializer_class = s.PartSerializer
    queryset = Part.objects.none()  # for the schema; reads go through queries
    filter_backends = [PartFilterBackend]
    filterset_class = PartFilter
    content_negotiation_class = ExportNegotiation
    # The list's own query parameters besides its filters and page (see config.core.schema).
    query_parameters = [EXPORT]
    query_parameter_prefixes = ("info.",)
    required_roles = {
        "list": Role.VIEWER,
        "retrieve": Role.VIEWER,
        "create": Role.MANAGER,
        "update": Role.MANAGER,
        "destroy": Role.MANAGER,
    }

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and roles first
        if self.action in {"list", "create"}:
            # Detail actions look the part up by (ptype, ipn) in one query instead.
            self.part_type = queries.part_type_by_slug(kwargs["ptype"])

    @extend_schema(
        operation_id="parts_list",
        parameters=[PTYPE, ARCHIVED],
        description=(
            f"{INFO_FILTERS_HELP}\n\nWith `?format=csv` or `?format=json` the response is a "
            "download of every matching part (CSV, or a JSON array of parts), not a page."
        ),
        responses={
            (200, "application/json"): OpenApiResponse(
                PAGE_OR_DOWNLOAD,
                description="A page of parts; with `?format=json` every matching part, as an array.",
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="With `?format=csv`: every matching part."
            ),
            **errors(400, 401, 403, 404),
        },
        summary="Parts of a type: filters, ordering, pagination, or a CSV/JSON download.",
    )
    def list(self, request, ptype):
        found = queries.parts(**PartFilterBackend().list_arguments(request, self))
        export_format = request.query_params.get("format")
        if export_format:
            # A download pages nothing, but refuses what the list refuses.
            self.paginator.check_query_parameters(request, self)
            if export_format not in EXPORT_FORMATS:
                raise ValidationFailed(
                    "Unknown export format.",
                    errors={"format": [f"Use one of: {', '.join(EXPORT_FORMATS)}."]},
                )
            return export_response(found, self.part_type, export_format)
        page = self.paginate_queryset(found)
        return self.get_paginated_response(s.PartSerializer(page, many=True).data)

    @extend_schema(
        operation_id="parts_create",
        parameters=[PTYPE],
        request=s.PartWriteSerializer,
        responses={201: s.PartSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Create a part; without an IPN one is generated from the type's prefix.",
    )
    def create(self, request, ptype):
        data = s.PartWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        part = services.part_create(
            actor=actor_from_request(request), part_type=self.part_type, **data.validated_data
        )
        body = s.PartSerializer(queries.part_by_key(ptype, part.ipn)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="parts_retrieve",
        parameters=[PTYPE, IPN],
        responses={200: s.PartSerializer, **errors(401, 403, 404)},
    )
    def retrieve(self, request, ptype, ipn):
        return Response(s.PartSerializer(queries.part_by_key(ptype, ipn)).data)

    @extend_schema(
        operation_id="parts_update",
        parameters=[PTYPE, IPN],
        request=s.PartUpdateSerializer,
        responses={200: s.PartSerializer, **errors(400, 401, 403, 404)},
        summary="Edit a part: fields left out keep their values; info keys are merged.",
    )
    def update(self, request, ptype, ipn):
        part = queries.part_by_key(ptype, ipn)
        data = s.PartUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.part_update(actor=actor_from_request(request), part=part, **data.validated_data)
        return Response(s.PartSerializer(queries.part_by_key(ptype, ipn)).data)

    @extend_schema(
        operation_id="parts_delete",
        parameters=[PTYPE, IPN],
        responses={204: None, **errors(401, 403, 404, 409)},
        summary="Delete a part nothing uses (409 in_use if it has stock history).",
    )
    def destroy(self, request, ptype, ipn):
        part = queries.part_by_key(ptype, ipn)
        services.part_delete(actor=actor_from_request(request), part=part)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartLookupViewSet(viewsets.GenericViewSet):
    filter_backends: list = []
    serializer_class = s.PartSerializer
    queryset = Part.objects.none()
    pagination_class = None
    required_roles = {"batch": Role.VIEWER, "search": Role.VIEWER}

    @extend_schema(
        operation_id="parts_batch",
        request=s.BatchRequestSerializer,
        responses={200: s.BatchResponseSerializer, **errors(400, 401, 403)},
        summary="Look up to 1000 parts by (ptype, ipn) in one call.",
    )
    def batch(self, request):
        data = s.BatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        keys = [(key["ptype"], key["ipn"]) for key in data.validated_data["keys"]]
        found, missing = queries.parts_by_keys(keys)
        return Response(
            {
                "results": s.PartSerializer(found, many=True).data,
                "missing": [{"ptype": ptype, "ipn": ipn} for ptype, ipn in missing],
            }
        )

    @extend_schema(
        operation_id="parts_search_mpn",
        parameters=[MPN, LIMIT],
        responses={200: s.MpnSearchResponseSerializer, **errors(400, 401, 403)},
        summary="Parts of every type by MPN: exact matches, then prefix, then contains.",
    )
    def search(self, request, mpn):
        limit = _limit(request.query_params.get("limit"))
        found, truncated = queries.search_mpn(mpn, limit=limit)
        return Response(
            {"results": s.PartMatchSerializer(found, many=True).data, "truncated": truncated}
        )


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return queries.MPN_SEARCH_LIMIT
    limit = whole_number(raw, max_digits=20)
    if limit is None or not 1 <= limit <= queries.MPN_SEARCH_MAX_LIMIT:
        raise ValidationFailed(
            "Invalid limit.",
            errors={"limit": [f"A whole number from 1 to {queries.MPN_SEARCH_MAX_LIMIT}."]},
        )
    return int(raw)


class PartAlternateViewSet(viewsets.GenericViewSet):
    filter_backends: list = []
    serializer_class = s.AlternateSerializer
    queryset = Part.objects.none()
    pagination_class = None
    required_roles = {"list": Role.VIEWER, "create": Role.MANAGER, "destroy": Role.MANAGER}

    @extend_schema(
        operation_id="parts_alternates_list",
        parameters=[PTYPE, IPN],
        responses={200: s.AlternateSerializer(many=True), **errors(401, 403, 404)},
        summary="The alternates of a part (links are symmetric).",
    )
    def list(self, request, ptype, ipn):
        part = queries.part_by_key(ptype, ipn)
        return Response(s.AlternateSerializer(queries.alternates_of(part), many=True).data)

    @extend_schema(
        operation_id="parts_alternates_add",
        parameters=[PTYPE, IPN],
        request=s.AlternateCreateSerializer,
        responses={201: s.AlternateSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Link another part as an alternate (both ways).",
    )
    def create(self, request, ptype, ipn):
        part = queries.part_by_key(ptype, ipn)
        data = s.AlternateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alternate = queries.part_by_ipn(data.validated_data["ipn"])
        wanted_type = data.validated_data.get("ptype")
        if alternate is None or (wanted_type and alternate.part_type.slug != wanted_type):
            raise ValidationFailed(
                "No such alternate part.",
                errors={"ipn": [f"No part {data.validated_data['ipn']!r} of that type."]},
            )
        link = services.alternate_add(
            actor=actor_from_request(request),
            part=part,
            alternate=alternate,
            note=data.validated_data["note"],
        )
        body = queries.AlternateLink(part=alternate, note=link.note, created_at=link.created_at)
        return Response(s.AlternateSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="parts_alternates_remove",
        parameters=[PTYPE, IPN, ALT_IPN],
        responses={204: None, **errors(401, 403, 404)},
    )
    def destroy(self, request, ptype, ipn, alt_ipn):
        part = queries.part_by_key(ptype, ipn)
        alternate = queries.part_by_ipn(alt_ipn)
        if alternate is None:
            raise NotFound(f"No part {alt_ipn!r}.")
        services.alternate_remove(actor=actor_from_request(request), part=part, alternate=alternate)
        return Response(status=status.HTTP_204_NO_CONTENT)
