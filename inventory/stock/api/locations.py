from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import actor_from_request
from config.core.errors import ValidationFailed
from config.core.numbers import whole_number
from config.core.pagination import paginated_response
from config.core.query_parameters import read_boolean
from config.core.roles import Role
from config.core.schema import errors
from inventory.models import Lot, StorageLocation
from inventory.stock import queries
from inventory.stock.api import serializers as s
from inventory.stock.api.views import ListView
from inventory.stock.services import locations as services

PARENT = {"type": "string", "pattern": r"^(root|[0-9]{1,18})$"}


class LocationListView(ListView):
    required_roles = {"get": Role.VIEWER, "post": Role.MANAGER}
    query_parameters = [
        OpenApiParameter("parent", PARENT, description="A parent id, or 'root' for top level."),
        OpenApiParameter(
            "archived",
            str,
            enum=["false", "true", "all"],
            description="Default false: archived locations are hidden.",
        ),
        OpenApiParameter("search", str, description="Name, code or path contains."),
    ]

    @extend_schema(
        operation_id="locations_list",
        responses={200: s.LocationSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request):
        params = request.query_params
        archived = params.get("archived") or "false"
        if archived not in {"false", "true", "all"}:
            raise ValidationFailed("Invalid filter.", errors={"archived": ["false, true or all."]})
        parent = params.get("parent") or None
        if parent not in (None, "root"):
            parent = whole_number(parent, max_digits=18)
            if parent is None:
                raise ValidationFailed("Invalid filter.", errors={"parent": ["An id or 'root'."]})
        locations = queries.locations_listed(
            archived=archived, parent=parent, search=params.get("search", "")
        )
        return paginated_response(request, self, locations, s.LocationSerializer)

    @extend_schema(
        operation_id="locations_create",
        request=s.LocationWriteSerializer,
        responses={201: s.LocationSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request):
        data = s.LocationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if fields.pop("archived", False):
            raise ValidationFailed("A new location cannot start archived.")
        location = services.location_create(actor=actor_from_request(request), **fields)
        return Response(s.LocationSerializer(location).data, status=status.HTTP_201_CREATED)


class LocationDetailView(APIView):
    required_roles = {"get": Role.VIEWER, "put": Role.MANAGER, "delete": Role.MANAGER}

    def _location(self, location_id) -> StorageLocation:
        return get_object_or_404(StorageLocation, pk=location_id)

    @extend_schema(
        operation_id="locations_get", responses={200: s.LocationSerializer, **errors(401, 404)}
    )
    def get(self, request, location_id):
        return Response(s.LocationSerializer(self._location(location_id)).data)

    @extend_schema(
        operation_id="locations_update",
        request=s.LocationUpdateSerializer,
        responses={200: s.LocationSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Edit, move, archive or restore a location; fields left out keep their values.",
    )
    def put(self, request, location_id):
        location = self._location(location_id)
        data = s.LocationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        location = services.location_update(
            actor=actor_from_request(request), location=location, **data.validated_data
        )
        return Response(s.LocationSerializer(location).data)

    @extend_schema(
        operation_id="locations_delete", responses={204: None, **errors(401, 403, 404, 409)}
    )
    def delete(self, request, location_id):
        services.location_delete(
            actor=actor_from_request(request), location=self._location(location_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LocationStockView(ListView):
    query_parameters = [
        OpenApiParameter("recursive", bool, description="Include locations inside.")
    ]

    @extend_schema(
        operation_id="locations_stock",
        responses={200: s.BalanceSerializer(many=True), **errors(401, 404)},
        summary="What is in a location.",
    )
    def get(self, request, location_id):
        location = get_object_or_404(StorageLocation, pk=location_id)
        recursive = read_boolean(request.query_params, "recursive")
        contents = queries.location_contents(location, recursive=recursive)
        return paginated_response(request, self, contents, s.BalanceSerializer)


class LotListView(ListView):
    required_roles = {"get": Role.VIEWER, "post": Role.CLERK}
    query_parameters = [
        OpenApiParameter("search", str, description="Name or reference contains."),
        OpenApiParameter("tag", str, description="Lots with this tag."),
    ]

    @extend_schema(
        operation_id="lots_list",
        responses={200: s.LotSerializer(many=True), **errors(401)},
    )
    def get(self, request):
        params = request.query_params
        lots = queries.lots(search=params.get("search", ""), tag=params.get("tag", ""))
        return paginated_response(request, self, lots, s.LotSerializer)

    @extend_schema(
        operation_id="lots_create",
        request=s.LotWriteSerializer,
        responses={201: s.LotSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request):
        data = s.LotWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = services.lot_create(actor=actor_from_request(request), **data.validated_data)
        return Response(s.LotSerializer(lot).data, status=status.HTTP_201_CREATED)


class LotDetailView(APIView):
    required_roles = {"get": Role.VIEWER, "put": Role.CLERK}

    def _lot(self, lot_id) -> Lot:
        return get_object_or_404(queries.lots(), pk=lot_id)

    @extend_schema(operation_id="lots_get", responses={200: s.LotSerializer, **errors(401, 404)})
    def get(self, request, lot_id):
        return Response(s.LotSerializer(self._lot(lot_id)).data)

    @extend_schema(
        operation_id="lots_update",
        request=s.LotWriteSerializer,
        responses={200: s.LotSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def put(self, request, lot_id):
        data = s.LotWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        lot = services.lot_update(
            actor=actor_from_request(request), lot=self._lot(lot_id), **data.validated_data
        )
        return Response(s.LotSerializer(self._lot(lot.pk)).data)
