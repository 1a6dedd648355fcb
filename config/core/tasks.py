"""Celery tasks of the core: thin, idempotent wrappers around its upkeep services, scheduled
by beat (CELERY_BEAT_SCHEDULE) and shown in GET /api/v1/status/workers."""

from celery import shared_task

from . import idempotency, services


@shared_task(name="core.changelog_prune", acks_late=True)
def changelog_prune() -> int:
    """Apply the changelog retention (daily: "changelog-prune")."""
    return services.changelog_prune()


@shared_task(name="core.idempotency_prune", acks_late=True)
def idempotency_prune() -> int:
    """Forget idempotency keys older than a day (hourly: "idempotency-prune")."""
    return idempotency.idempotency_prune()
