"""The home page: the stockroom's dashboard. A scan box that opens whatever was scanned (a
part, a location or a lot, recognised by ``labels.resolve_scan``), how many parts are low on
stock, the latest changelog entries, and a place for smart containers that stop answering
(filled in when the sensors app reports them).

It lives in inventory, not accounts, because it reads stock (DESIGN.md's layers); the wiring
(``config/urls.py``) serves it at ``/``."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from config.core import queries as changelog_queries
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required
from config.core.views import entry_rows
from inventory.stock import labels
from inventory.stock import queries as stock_queries
from inventory.stock.forms import ScanLookupForm

RECENT_ENTRIES = 8


@require_GET
@role_required(Role.VIEWER)
def home(request: HttpRequest) -> HttpResponse:
    # The box submits ?scan=…; a visit without it is the plain dashboard.
    form = ScanLookupForm(request.GET if "scan" in request.GET else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            return redirect(labels.page_url(form.cleaned_data["scan"].obj))
        status = UNPROCESSABLE
    context = {
        "form": form,
        "low_stock_count": stock_queries.low_stock().count(),
        "recent_entries": entry_rows(changelog_queries.changelog_entries()[:RECENT_ENTRIES]),
    }
    return render(request, "inventory/home.html", context, status=status)
