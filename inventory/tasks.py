"""Celery tasks of the inventory app: thin, idempotent wrappers around services."""

from celery import shared_task

from .services import changelog as changelog_services


@shared_task(name="inventory.tasks.changelog_prune", acks_late=True)
def changelog_prune() -> int:
    """Apply the changelog retention (scheduled daily by beat: "changelog-prune")."""
    return changelog_services.changelog_prune()
