"""Reads behind the health check and the worker status page."""

import time
from datetime import timedelta

from celery import schedules as celery_schedules
from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult

from accounts import throttle

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
    """The database and the broker decide the status (200 or 503). Login throttling only
    reports: while the cache is missing or down, logins still work and failed ones are
    counted in each process's memory (accounts/throttle.py), which is degraded but serving."""
    database, broker = _timed(_database), _timed(_broker)
    return {
        "status": "ok" if database["ok"] and broker["ok"] else "degraded",
        "version": settings.VERSION,
        "database": database | {"vendor": connection.vendor},
        "broker": broker | {"transport": celery_app.connection_for_write().transport_cls},
        "login_throttle": throttle.health(),
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


def _describe_setting(schedule) -> str:
    """A CELERY_BEAT_SCHEDULE entry's schedule (timedelta, seconds or a celery schedule)."""
    if isinstance(schedule, int | float):
        schedule = timedelta(seconds=schedule)
    if isinstance(schedule, timedelta):
        return f"every {_seconds_text(schedule.total_seconds())}"
    if isinstance(schedule, celery_schedules.crontab):
        # The fields as written; django-celery-beat reads the same attributes when it copies
        # a crontab into its table.
        return (
            f"crontab {schedule._orig_minute} {schedule._orig_hour} "
            f"{schedule._orig_day_of_month} {schedule._orig_month_of_year} "
            f"{schedule._orig_day_of_week}"
        )
    if isinstance(schedule, celery_schedules.schedule):
        return f"every {_seconds_text(schedule.run_every.total_seconds())}"
    return str(schedule)


def _seconds_text(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"


def _describe_row(row: dict) -> str:
    """A PeriodicTask row's schedule, from the columns of whichever schedule it uses."""
    if row["interval__every"] is not None:
        every, period = row["interval__every"], row["interval__period"]
        return f"every {every} {period.removesuffix('s') if every == 1 else period}"
    if row["crontab__minute"] is not None:
        return "crontab " + " ".join(
            row[f"crontab__{part}"]
            for part in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
        )
    if row["solar__event"] is not None:
        return f"solar {row['solar__event']}"
    if row["clocked__clocked_time"] is not None:
        return f"once at {row['clocked__clocked_time'].isoformat()}"
    return "unscheduled"


# The columns both halves of the query in periodic_jobs() select, in one order.
_SCHEDULE_COLUMNS = {
    "interval__every": IntegerField(),
    "interval__period": CharField(),
    "crontab__minute": CharField(),
    "crontab__hour": CharField(),
    "crontab__day_of_month": CharField(),
    "crontab__month_of_year": CharField(),
    "crontab__day_of_week": CharField(),
    "solar__event": CharField(),
    "clocked__clocked_time": DateTimeField(),
}
_RESULT_COLUMNS = {
    "last_status": ("status", CharField()),
    "last_result": ("result", TextField()),
    "last_error": ("traceback", TextField()),
    "last_done": ("date_done", DateTimeField()),
}
_COLUMNS = (
    "origin",
    "name",
    "task",
    "enabled",
    "last_run_at",
    "total_run_count",
    *_RESULT_COLUMNS,
    *_SCHEDULE_COLUMNS,
)


def _null(field) -> Value:
    return Value(None, output_field=field)


def _job_rows(setting_tasks: set[str]) -> list[dict]:
    """In one query: every PeriodicTask row with its latest TaskResult, plus the latest
    TaskResult of each task scheduled in settings (which has no row until beat first runs)."""
    latest = TaskResult.objects.filter(task_name=OuterRef("task")).order_by("-date_done", "-id")
    rows = (
        PeriodicTask.objects.exclude(name="celery.backend_cleanup")
        .annotate(
            origin=Value("row", output_field=CharField()),
            **{
                alias: Subquery(latest.values(column)[:1], output_field=field)
                for alias, (column, field) in _RESULT_COLUMNS.items()
            },
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    newest_per_task = TaskResult.objects.filter(task_name=OuterRef("task_name")).order_by(
        "-date_done", "-id"
    )
    results = (
        TaskResult.objects.filter(task_name__in=sorted(setting_tasks))
        .filter(id=Subquery(newest_per_task.values("id")[:1]))
        .annotate(
            origin=Value("result", output_field=CharField()),
            name=F("task_name"),
            task=F("task_name"),
            enabled=_null(BooleanField()),
            last_run_at=_null(DateTimeField()),
            total_run_count=_null(IntegerField()),
            **{alias: F(column) for alias, (column, _field) in _RESULT_COLUMNS.items()},
            **{alias: _null(field) for alias, field in _SCHEDULE_COLUMNS.items()},
        )
        .order_by()
        .values_list(*_COLUMNS)
    )
    combined = rows.union(results, all=True) if setting_tasks else rows
    return [dict(zip(_COLUMNS, row, strict=True)) for row in combined]


def _job(name: str, task: str, schedule: str, row: dict | None, result: dict | None) -> dict:
    outcome = row if row is not None else result or {}
    return {
        "name": name,
        "task": task,
        "enabled": row["enabled"] if row is not None else True,
        "schedule": schedule,
        "last_run_at": (row or {}).get("last_run_at") or outcome.get("last_done"),
        "total_run_count": row["total_run_count"] if row is not None else 0,
        "last_status": outcome.get("last_status"),
        "last_result": outcome.get("last_result"),
        "last_error": _last_line(outcome.get("last_error")),
    }


def periodic_jobs() -> list[dict]:
    """Every periodic job with its schedule, its last run and that run's outcome.

    The jobs are those in ``settings.CELERY_BEAT_SCHEDULE`` (listed from the moment they are
    configured, before beat has ever run and copied them into the database) and any extra
    django-celery-beat PeriodicTask rows. The last run comes from django-celery-results
    (``CELERY_RESULT_EXTENDED`` stores the task name), so it is there whoever sent the task:
    beat, or a caller on demand. One query, however many jobs."""
    configured = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if isinstance(entry, dict) and entry.get("task")
    }
    rows = _job_rows({entry["task"] for entry in configured.values()})
    by_name = {row["name"]: row for row in rows if row["origin"] == "row"}
    by_task = {row["task"]: row for row in rows if row["origin"] == "result"}
    jobs = {
        name: _job(
            name,
            entry["task"],
            _describe_setting(entry["schedule"]),
            by_name.get(name),
            by_task.get(entry["task"]),
        )
        for name, entry in configured.items()
    }
    for name, row in by_name.items():
        if name not in jobs:
            jobs[name] = _job(name, row["task"], _describe_row(row), row, None)
    return [jobs[name] for name in sorted(jobs)]
