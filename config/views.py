"""Project-level endpoints: health, worker status. No business logic lives here."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.core.roles import Role

from . import status
from .core.schema import errors


class DependencyHealthSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    latency_ms = serializers.FloatField(required=False, help_text="When it answered.")
    error = serializers.CharField(required=False, help_text="When it failed: the error's kind.")


class DatabaseHealthSerializer(DependencyHealthSerializer):
    vendor = serializers.CharField(help_text="sqlite or postgresql.")


class BrokerHealthSerializer(DependencyHealthSerializer):
    transport = serializers.CharField(help_text="The Celery broker's transport.")


class LoginThrottleHealthSerializer(serializers.Serializer):
    degraded = serializers.BooleanField(
        help_text="True while failed logins are counted per process, the cache being down."
    )
    store = serializers.ChoiceField(choices=["cache", "memory"])
    backend = serializers.CharField(help_text="The cache's kind.")
    error = serializers.CharField(required=False)
    since = serializers.DateTimeField(required=False)
    reason = serializers.CharField(required=False)


class HealthCheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "degraded"])
    version = serializers.CharField()
    database = DatabaseHealthSerializer()
    broker = BrokerHealthSerializer()
    login_throttle = LoginThrottleHealthSerializer(
        help_text="Reported only: it does not make the server degraded."
    )
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
    public_actions = ("get", "options")
    authentication_classes: list = []

    @extend_schema(
        operation_id="server_health_check",
        responses={200: HealthCheckSerializer, 503: HealthCheckSerializer},
        auth=[],
        summary="Health of the server, its database and its broker (503 when degraded).",
    )
    def get(self, request):
        body = status.health()
        return Response(
            HealthCheckSerializer(body).data, status=200 if body["status"] == "ok" else 503
        )


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
