"""Reads behind the health check and the worker status page."""

import time

from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Subquery
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from .celery import app as celery_app

STARTED_AT = time.monotonic()


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        check()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 2)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def health() -> dict:
    database, broker = _timed(_database), _timed(_broker)
    return {
        "status": "ok" if database["ok"] and broker["ok"] else "degraded",
        "version": settings.VERSION,
        "database": database | {"vendor": connection.vendor},
        "broker": broker | {"transport": celery_app.connection_for_write().transport_cls},
        "uptime_seconds": round(time.monotonic() - STARTED_AT, 1),
    }


def workers() -> list[dict]:
    """The workers that answer a ping within the configured timeout."""
    try:
        replies = celery_app.control.ping(timeout=settings.WORKER_PING_TIMEOUT) or []
    except Exception:
        return []
    return sorted(
        (
            {"name": name, "ok": reply.get("ok") == "pong"}
            for answer in replies
            for name, reply in answer.items()
        ),
        key=lambda worker: worker["name"],
    )


def _last_line(traceback: str | None) -> str | None:
    # The exception line of a traceback is what an operator needs at a glance.
    lines = (traceback or "").strip().splitlines()
    return lines[-1] if lines else None


def periodic_jobs() -> list[dict]:
    """Every periodic job with its schedule, its last run and that run's outcome."""
    latest = TaskResult.objects.filter(task_name=OuterRef("task")).order_by("-date_done")
    jobs = (
        PeriodicTask.objects.exclude(name="celery.backend_cleanup")
        .select_related("interval", "crontab")
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_result=Subquery(latest.values("result")[:1]),
            last_error=Subquery(latest.values("traceback")[:1]),
            last_done=Subquery(latest.values("date_done")[:1]),
        )
        .order_by("name")
    )
    return [
        {
            "name": job.name,
            "task": job.task,
            "enabled": job.enabled,
            "schedule": str(job.schedule),
            "last_run_at": job.last_run_at or job.last_done,
            "total_run_count": job.total_run_count,
            "last_status": job.last_status,
            "last_result": job.last_result,
            "last_error": _last_line(job.last_error),
        }
        for job in jobs
    ]
