from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from config.core.models import ChangelogEntry
from config.core.roles import Role
from config.core.schema import errors
from config.core.times import TIME_PATTERN

from .. import queries
from . import serializers as s
from .filters import ChangelogFilter

FILTER_PARAMS = [
    OpenApiParameter("entity_type", str, description="Exact entity type, e.g. part."),
    OpenApiParameter("entity_key", str, description="Exact entity key, e.g. a part's IPN."),
    OpenApiParameter("actor", str, description="Who: a username, job name or sensor serial."),
    OpenApiParameter("action", str, enum=ChangelogEntry.Action.values),
]


class ChangelogListView(generics.ListAPIView):
    serializer_class = s.ChangelogEntrySerializer
    filterset_class = ChangelogFilter
    search_fields = ["entity_key", "entity_type", "actor_name"]
    required_roles = {"get": Role.VIEWER}

    def get_queryset(self):
        return queries.changelog_entries()

    @extend_schema(
        operation_id="changelog_list",
        responses={200: s.ChangelogEntrySerializer(many=True), **errors(400, 401, 403)},
        summary="Changelog entries, newest first.",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ChangelogSinceView(APIView):
    required_roles = {"get": Role.VIEWER}

    @extend_schema(
        operation_id="changelog_since",
        parameters=[
            OpenApiParameter(
                "timestamp",
                {"type": "string", "pattern": TIME_PATTERN},
                OpenApiParameter.PATH,
                description=(
                    "Start at the first entry at or after this time: ISO 8601 (no zone means "
                    "UTC) or Unix epoch seconds, e.g. 2026-01-31T12:00:00Z or 1769860800.5."
                ),
            ),
            OpenApiParameter(
                "cursor",
                {"type": "string", "minLength": 1},
                description=(
                    "next_cursor of the previous response: continue right after it (the "
                    "timestamp is then not used to filter). Polling with it never misses and "
                    "never repeats an entry."
                ),
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1},
                description=f"Entries per response (default 100, at most {s.ChangelogSinceQuerySerializer.MAX_LIMIT}).",
            ),
            *FILTER_PARAMS,
        ],
        responses={200: s.ChangelogSinceSerializer, **errors(400, 401, 403)},
        summary="Changelog entries since a time, oldest first, with a cursor to poll on.",
    )
    def get(self, request, timestamp: str):
        given = {name: value for name, value in request.query_params.items() if value != ""}
        query = s.ChangelogSinceQuerySerializer(data={"timestamp": timestamp, **given})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        entries, has_more, position = queries.changelog_after(
            after_id=params.get("cursor"),
            since=params["timestamp"],
            limit=params["limit"],
            **{name: params[name] for name in ("entity_type", "entity_key", "actor", "action")},
        )
        body = {
            "results": entries,
            "next_cursor": s.encode_cursor(position),
            "has_more": has_more,
        }
        return Response(s.ChangelogSinceSerializer(body).data)
