"""The changelog page of the clerk UI: newest first, one line per entry whose changes open
on demand, filtered with a GET form that htmx submits as the user types, swapping only the
entries (the page works without JavaScript)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import queries
from .forms import ChangelogFilterForm
from .roles import Role
from .ui import UNPROCESSABLE, role_required, wants_fragment

PAGE_SIZE = 50


@require_GET
@role_required(Role.VIEWER)
def changelog(request: HttpRequest) -> HttpResponse:
    form = ChangelogFilterForm(request.GET, entity_types=queries.changelog_entity_types())
    status, filtered = 200, False
    if form.is_valid():
        filters = form.filters()
        filtered = any(filters.values())
        paginator = Paginator(queries.changelog_entries(**filters), PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"])
    else:
        page, status = None, UNPROCESSABLE
    query = request.GET.copy()
    query.pop("page", None)  # the pager adds its own
    context = {"form": form, "page": page, "query": query.urlencode(), "filtered": filtered}
    template = "core/_changelog_table.html" if wants_fragment(request) else "core/changelog.html"
    return render(request, template, context, status=status)
