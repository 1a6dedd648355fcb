"""Changelog upkeep. Entries themselves are written by ``config.core.changelog.record`` inside
the service that made the change; this module only removes old ones."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ChangelogEntry

logger = logging.getLogger(__name__)

PRUNE_BATCH_SIZE = 1000


def changelog_prune(*, now: datetime | None = None, batch_size: int = PRUNE_BATCH_SIZE) -> int:
    """Delete the entries older than ``settings.CHANGELOG_RETENTION_DAYS`` and return how many.

    With no retention configured the changelog is kept forever and nothing is deleted. The
    work is done in batches of ``batch_size`` ids, each in its own short transaction, so a
    first prune of a large backlog never holds one long lock that blocks writers (every
    service writes the changelog). Running it twice deletes nothing the second time."""
    days = settings.CHANGELOG_RETENTION_DAYS
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                ChangelogEntry.objects.filter(at__lt=cutoff)
                .order_by("id")
                .values_list("id", flat=True)[:batch_size]
            )
            if not batch:
                break
            deleted += ChangelogEntry.objects.filter(id__in=batch).delete()[0]
    if deleted:
        logger.info("changelog_prune: deleted %d entries older than %s", deleted, cutoff)
    return deleted
