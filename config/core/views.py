"""The changelog page of the clerk UI: newest first, one line per entry whose changes open
on demand, filtered with a GET form that htmx submits as the user types, swapping only the
entries (the page works without JavaScript). :func:`entry_rows` shapes entries for
``core/_changelog_entries.html``, which the home page's recent activity shares."""

from dataclasses import dataclass
from datetime import UTC

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import queries
from .forms import ChangelogFilterForm
from .models import ChangelogEntry
from .roles import Role
from .templatetags.changelog_tags import shown_changes, value_text
from .ui import UNPROCESSABLE, role_required, wants_fragment

PAGE_SIZE = 50
FIELDS_NAMED = 4  # fields named on an entry's line; the rest are counted
ITEMS_SHOWN = 20  # items of a list value shown on a line; the rest are counted (the API has all)
ACTION_LABELS = dict(ChangelogEntry.Action.choices)
ACTION_BADGES = {
    ChangelogEntry.Action.CREATE: "text-bg-success",
    ChangelogEntry.Action.DELETE: "text-bg-danger",
}


@dataclass(frozen=True)
class ChangeRow:
    field: str
    old: str  # "old → new" when shows_both, else only ``value``
    new: str
    shows_both: bool
    value: str  # what a create set or a delete held


@dataclass(frozen=True)
class EntryRow:
    entry: ChangelogEntry
    at_iso: str
    at_text: str  # UTC, as the API gives times
    action_label: str
    action_badge: str
    fields: str  # the line's "f0, f1, f2, f3 and 3 more"
    changes: list[ChangeRow]


def entry_rows(entries) -> list[EntryRow]:
    """Changelog entries as their lines read (``changelog_tags``: which changes are shown
    and how a value reads), formatted here once: through the template's filters and tags
    (a timezone block, two date filters, an include per line), 50 lines cost more than
    the rest of the page."""
    rows = []
    for entry in entries:
        changes = []
        for change in shown_changes(entry):
            old = value_text(change.old, items_shown=ITEMS_SHOWN)
            new = value_text(change.new, items_shown=ITEMS_SHOWN)
            value = old if entry.action == ChangelogEntry.Action.DELETE else new
            changes.append(ChangeRow(change.field, old, new, change.shows_both, value))
        names = ", ".join(change.field for change in changes[:FIELDS_NAMED])
        if len(changes) > FIELDS_NAMED:
            names += f" and {len(changes) - FIELDS_NAMED} more"
        at = entry.at.astimezone(UTC)
        rows.append(
            EntryRow(
                entry=entry,
                at_iso=at.isoformat(),
                at_text=at.strftime("%Y-%m-%d %H:%M:%S"),
                action_label=ACTION_LABELS.get(entry.action, entry.action),
                action_badge=ACTION_BADGES.get(entry.action, "text-bg-secondary"),
                fields=names,
                changes=changes,
            )
        )
    return rows


@require_GET
@role_required(Role.VIEWER)
def changelog(request: HttpRequest) -> HttpResponse:
    form = ChangelogFilterForm(request.GET, entity_types=queries.changelog_entity_types())
    status, filtered, rows = 200, False, []
    if form.is_valid():
        filters = form.filters()
        filtered = any(filters.values())
        paginator = Paginator(queries.changelog_entries(**filters), PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"])
        rows = entry_rows(page.object_list)
    else:
        page, status = None, UNPROCESSABLE
    query = request.GET.copy()
    query.pop("page", None)  # the pager adds its own
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "filtered": filtered,
    }
    template = "core/_changelog_table.html" if wants_fragment(request) else "core/changelog.html"
    return render(request, template, context, status=status)
