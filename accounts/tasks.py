"""Celery tasks of accounts: thin, idempotent wrappers around its upkeep services, scheduled by
beat (CELERY_BEAT_SCHEDULE) and shown in GET /api/v1/status/workers."""

from celery import shared_task

from .oidc import device


@shared_task(name="accounts.device_authorization_prune", acks_late=True)
def device_authorization_prune() -> int:
    """Forget Warecache-served device sign-ins a day past their expiry (hourly:
    "device-authorization-prune")."""
    return device.device_authorization_prune()
