"""The stock pages of the clerk UI: shared helpers and the low-stock report. The scanner pages
are in ``stock_scan.py``, the location browser in ``stock_locations.py``, labels in
``stock_labels.py``."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required, wants_fragment
from inventory.catalogue.views.page_urls import PageUrls
from inventory.stock import queries
from inventory.stock.forms import PageForm

PAGE_SIZE = 50


@require_GET
@role_required(Role.VIEWER)
def low_stock(request: HttpRequest) -> HttpResponse:
    form = PageForm(request.GET)
    page, rows, status = None, [], 200
    if form.is_valid():
        page = Paginator(queries.low_stock(), PAGE_SIZE).get_page(form.cleaned_data["page"])
        urls = PageUrls("inventory:part-detail")
        rows = [(part, urls.of(part.part_type.slug, part.ipn)) for part in page.object_list]
    else:
        status = UNPROCESSABLE
    template = (
        "inventory/stock/_low_stock_table.html"
        if wants_fragment(request)
        else "inventory/stock/low_stock.html"
    )
    return render(request, template, {"form": form, "page": page, "rows": rows}, status=status)
