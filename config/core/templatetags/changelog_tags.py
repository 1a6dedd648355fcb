"""How a changelog entry reads in the UI: ``{% load changelog_tags %}``.

Entries store ``{field: [old, new]}`` (``config.core.changelog.diff``). A created entity's
entry holds every field, the empty ones too (``[None, ""]``); shown as they are stored, a
create would read "— → —" for each field left blank. So a create lists only the fields that
were set, a delete only the fields that held something, and an update every change."""

from dataclasses import dataclass
from typing import Any

from django import template

from config.core.models import ChangelogEntry

register = template.Library()

EMPTY_VALUES = (None, "", [], {})
Action = ChangelogEntry.Action


@dataclass(frozen=True)
class ShownChange:
    field: str
    old: Any
    new: Any
    # "old → new" for updates (and any entry that has both); a create shows just the value
    # set, a delete just the value held.
    shows_both: bool


def _pair(values: Any) -> tuple[Any, Any]:
    # Entries are written by services as [old, new]; anything else (hand-edited rows, a
    # future shape) is shown as the new value rather than breaking the page.
    if isinstance(values, list | tuple) and len(values) == 2:
        return values[0], values[1]
    return None, values


@register.filter
def shown_changes(entry: ChangelogEntry) -> list[ShownChange]:
    """The changes of ``entry`` worth a line each, in the stored (alphabetical) order."""
    shown = []
    for field, values in (entry.changes or {}).items():
        old, new = _pair(values)
        if entry.action == Action.CREATE and new in EMPTY_VALUES:
            continue
        if entry.action == Action.DELETE and old in EMPTY_VALUES:
            continue
        has_both = old not in EMPTY_VALUES and new not in EMPTY_VALUES
        shown.append(ShownChange(field, old, new, entry.action == Action.UPDATE or has_both))
    return shown


@register.filter
def change_value(value: Any) -> str:
    """One stored value as text: lists joined with commas, nothing as an em dash."""
    return value_text(value)


def value_text(value: Any, *, items_shown: int | None = None) -> str:
    """:func:`change_value`, with a list of more than ``items_shown`` items cut to its first
    ones and "and N more": a list page's line stays readable (a batch entry lists thousands
    of parts), and formatting it cost more than the rest of the page. A list of plain,
    non-empty strings (IPNs, tags, keys) is joined as it is."""
    if value in EMPTY_VALUES:
        return "—"
    if isinstance(value, list | tuple):
        hidden = 0
        if items_shown is not None and len(value) > items_shown:
            hidden, value = len(value) - items_shown, value[:items_shown]
        if all(type(item) is str and item for item in value):
            text = ", ".join(value)
        else:
            text = ", ".join(value_text(item) for item in value)
        return f"{text} and {hidden:,} more" if hidden else text
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value_text(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
