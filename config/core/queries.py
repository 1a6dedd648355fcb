"""Read paths of the changelog: the newest-first list (API and UI) and the since-stream."""

from datetime import datetime

from django.db.models import Max, Q, QuerySet, Subquery

from .models import ChangelogEntry

# Filter names shared by the API, the since-stream and the UI form, mapped to their columns.
FILTER_FIELDS = {
    "entity_type": "entity_type",
    "entity_key": "entity_key",
    "actor": "actor_name",
    "action": "action",
}


def changelog_entries(
    *,
    entity_type: str = "",
    entity_key: str = "",
    actor: str = "",
    action: str = "",
    search: str = "",
) -> QuerySet[ChangelogEntry]:
    """Entries newest first, narrowed by exact filters (empty = any) and a free-text search.

    Entries carry everything they show (the actor's name is copied in), so no join is needed."""
    given = {"entity_type": entity_type, "entity_key": entity_key, "actor": actor, "action": action}
    entries = ChangelogEntry.objects.filter(
        **{FILTER_FIELDS[name]: value for name, value in given.items() if value}
    )
    if search:
        entries = entries.filter(
            Q(entity_key__icontains=search)
            | Q(entity_type__icontains=search)
            | Q(actor_name__icontains=search)
        )
    return entries.order_by("-id")


def changelog_entity_types() -> list[str]:
    """The entity types that have entries, for the UI's filter."""
    return list(
        ChangelogEntry.objects.order_by("entity_type")
        .values_list("entity_type", flat=True)
        .distinct()
    )


def changelog_after(
    *,
    after_id: int | None = None,
    since: datetime | None = None,
    limit: int,
    **filters: str,
) -> tuple[list[ChangelogEntry], bool, int]:
    """One page of the since-stream, oldest first: ``(entries, has_more, position)``.

    The stream is ordered by id, which ``config.core.changelog.record`` hands out in commit
    order, so "everything after id N" is exact: an entry committed later always has a larger
    id. ``after_id`` (a cursor) wins over ``since``. ``position`` is the id the next page
    starts after: the last entry returned or, when there is none, a point no later than any
    entry still to come, so polling on from it misses nothing."""
    entries = changelog_entries(**filters)
    if after_id is not None:
        start = after_id
        entries = entries.filter(id__gt=after_id)
    else:
        # Read before the page, not after: an entry committed between the two reads would
        # otherwise be behind the position returned with an empty page, and never be seen.
        # Every id up to this one is committed already (ids follow commit order), so the page
        # read next sees them all.
        start = ChangelogEntry.objects.aggregate(newest=Max("id"))["newest"] or 0
        if since is not None:
            # ``at`` is stamped under the same lock as the id, so both rise together: start at
            # the first entry at or after ``since`` (an index lookup on ``at``) and read on
            # along the primary key, rather than testing every entry's time.
            first = ChangelogEntry.objects.filter(at__gte=since).order_by("at", "id")
            entries = entries.filter(id__gte=Subquery(first.values("id")[:1]))
    page = list(entries.order_by("id")[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return page, has_more, page[-1].id if page else start
