"""The stock pages of the clerk UI: shared helpers and the low-stock report. The scanner pages
are in ``stock_scan.py``, the location browser in ``stock_locations.py``, labels in
``stock_labels.py``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Role

from ..forms.stock import PageForm
from ..queries import stock as queries

# A form or fragment re-rendered because its input was refused. base.html tells htmx to swap
# 422 responses like successes, so the errors appear in place.
UNPROCESSABLE = 422
PAGE_SIZE = 50


def wants_fragment(request: HttpRequest) -> bool:
    # A boosted request expects a whole page, not a fragment.
    return bool(request.htmx) and not request.htmx.boosted


def require_role(request: HttpRequest, role: Role) -> None:
    if not request.user.has_role(role):
        raise PermissionDenied


@require_GET
@login_required
def low_stock(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.VIEWER)
    form = PageForm(request.GET)
    page, status = None, 200
    if form.is_valid():
        page = Paginator(queries.low_stock(), PAGE_SIZE).get_page(form.cleaned_data["page"])
    else:
        status = UNPROCESSABLE
    template = (
        "inventory/stock/_low_stock_table.html"
        if wants_fragment(request)
        else "inventory/stock/low_stock.html"
    )
    return render(request, template, {"form": form, "page": page}, status=status)
