"""Tag names, shared by parts and lots: one rule for what a tag name is."""

from collections.abc import Iterable, Sequence
from typing import Any

from inventory.models import Tag

TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


def clean_tag_names(tags: Any) -> tuple[list[str], list[str]]:
    """The names in ``tags`` trimmed, without repeats, in the order given, and the problems
    found (none when it is a list of non-blank names of at most 64 characters). Every caller
    (API, UI, import, tasks) goes through this, so a name the table cannot hold never reaches
    it."""
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        return [], ["Must be a list of tag names."]
    names: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            return [], ["Tag names must be non-empty strings."]
        name = tag.strip()
        if len(name) > TAG_NAME_MAX_LENGTH:
            return [], [f"Tag {name[:20]!r}… is longer than {TAG_NAME_MAX_LENGTH} characters."]
        if name not in names:
            names.append(name)
    return names, []


def tags_named(names: Sequence[str]) -> list[Tag]:
    """The tags with these (already cleaned) names, in the order given, creating the missing
    ones. Safe under concurrency: a tag another writer just created is simply found."""
    if not names:
        return []
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [by_name[name] for name in names]
