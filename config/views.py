"""Project-level endpoints: health, worker status. No business logic lives here."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.core.roles import Role

from . import status
from .core.schema import errors


class HealthCheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    version = serializers.CharField()
    database = serializers.DictField()
    broker = serializers.DictField()
    uptime_seconds = serializers.FloatField()


class WorkerSerializer(serializers.Serializer):
    name = serializers.CharField()
    ok = serializers.BooleanField()


class PeriodicJobSerializer(serializers.Serializer):
    name = serializers.CharField()
    task = serializers.CharField()
    enabled = serializers.BooleanField()
    schedule = serializers.CharField()
    last_run_at = serializers.DateTimeField(allow_null=True)
    total_run_count = serializers.IntegerField()
    last_status = serializers.CharField(allow_null=True)
    last_result = serializers.CharField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)


class WorkerStatusSerializer(serializers.Serializer):
    workers = WorkerSerializer(many=True)
    periodic_jobs = PeriodicJobSerializer(many=True)


class HealthCheckView(APIView):
    public_actions = ("get",)
    authentication_classes: list = []

    @extend_schema(
        operation_id="server_health_check",
        responses={200: HealthCheckSerializer, 503: HealthCheckSerializer},
        auth=[],
        summary="Health of the server, its database and its broker (503 when degraded).",
    )
    def get(self, request):
        body = status.health()
        return Response(body, status=200 if body["status"] == "ok" else 503)


class WorkerStatusView(APIView):
    required_roles = {"get": Role.VIEWER}

    @extend_schema(
        operation_id="status_workers",
        responses={200: WorkerStatusSerializer, **errors(401)},
        summary="Celery workers that answer a ping, and every periodic job's last run.",
    )
    def get(self, request):
        body = {"workers": status.workers(), "periodic_jobs": status.periodic_jobs()}
        return Response(WorkerStatusSerializer(body).data)
