from collections.abc import Sequence

from inventory.models import Tag


def tags_named(names: Sequence[str]) -> list[Tag]:
    """The tags with these (already cleaned) names, in the order given, creating the missing
    ones. Safe under concurrency: a tag another writer just created is simply found."""
    if not names:
        return []
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [by_name[name] for name in names]
