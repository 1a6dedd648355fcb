"""The location browser: a tree walked by breadcrumbs and children, each location with its
contents (per part, lot and status; optionally everything below it), and for managers the
forms to create, edit and archive locations. Plus a lot's page, where a lot label leads."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.core.actors import Actor
from config.core.errors import ServiceError
from config.core.forms import apply_service_error
from config.core.roles import Role, require_role
from config.core.ui import UNPROCESSABLE, role_required, wants_fragment
from inventory.catalogue.views.page_urls import PageUrls
from inventory.models import StockStatus, StorageLocation
from inventory.stock import queries
from inventory.stock.forms import LocationBrowseForm, LocationForm, PageForm
from inventory.stock.services import locations as services
from inventory.stock.views.reports import PAGE_SIZE

CONTENTS_PAGE_SIZE = 100
STATUS_LABELS = dict(StockStatus.choices)


def _location(code: str) -> StorageLocation:
    location = queries.location_page(code)
    if location is None:
        raise Http404(f"No location {code!r}.")
    return location


def _browse_form(request: HttpRequest) -> tuple[LocationBrowseForm, dict]:
    form = LocationBrowseForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data
    return form, {"q": "", "recursive": False, "archived": False, "page": None}


def _list_page(
    request: HttpRequest, *, create_form: LocationForm | None = None, status: int = 200
) -> HttpResponse:
    form, options = _browse_form(request)
    scope = queries.locations_browsed(term=options["q"], include_archived=options["archived"])
    page = Paginator(scope, PAGE_SIZE).get_page(options["page"])
    context = {
        "form": form,
        "options": options,
        "page": page,
        "can_manage": request.user.has_role(Role.MANAGER),
        "create_form": create_form or LocationForm(),
    }
    if form.errors:
        status = UNPROCESSABLE
    return render(request, "inventory/stock/locations.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(Role.VIEWER)
def location_list(request: HttpRequest) -> HttpResponse:
    """Top-level locations (or a search over all); POST creates one (managers)."""
    if request.method == "GET":
        return _list_page(request)
    require_role(request, Role.MANAGER)
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            location = services.location_create(
                actor=Actor.for_user(request.user), **form.cleaned_data
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Location {location.code} created.")
            return redirect("inventory:location-detail", code=location.code)
    parent = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    if parent is not None:
        # The form was sent from that location's page: show it there again.
        return _detail_page(request, parent, create_form=form, status=UNPROCESSABLE)
    return _list_page(request, create_form=form, status=UNPROCESSABLE)


def _detail_page(
    request: HttpRequest,
    location: StorageLocation,
    *,
    create_form: LocationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form, options = _browse_form(request)
    children = queries.child_locations(location, include_archived=options["archived"])
    contents = queries.location_contents_shown(location, recursive=options["recursive"])
    page = Paginator(contents, CONTENTS_PAGE_SIZE).get_page(options["page"])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "location": location,
        "breadcrumbs": queries.location_ancestors(location),
        "children": list(children),
        "form": form,
        "options": options,
        "page": page,
        "rows": _content_rows(page.object_list),
        "query": query.urlencode(),
        "can_manage": request.user.has_role(Role.MANAGER),
        "create_form": create_form or LocationForm(initial={"parent": location.code}),
    }
    if form.errors:
        status = UNPROCESSABLE
    template = (
        "inventory/stock/_location_browse.html"
        if wants_fragment(request)
        else "inventory/stock/location.html"
    )
    return render(request, template, context, status=status)


def _content_rows(balances) -> list[dict]:
    """The contents table's rows (from ``queries.location_contents_shown``) with the links of
    their part, location and lot, and their status as people read it."""
    parts = PageUrls("inventory:part-detail")
    locations = PageUrls("inventory:location-detail")
    lots = PageUrls("inventory:lot-detail")
    return [
        balance
        | {
            "part_url": parts.of(balance["part_type"], balance["ipn"]),
            "location_url": locations.of(balance["location_code"]),
            "lot_url": lots.of(balance["lot_name"]) if balance["lot_name"] is not None else "",
            "status_label": STATUS_LABELS.get(balance["status"], balance["status"]),
        }
        for balance in balances
    ]


@require_GET
@role_required(Role.VIEWER)
def location_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail_page(request, _location(code))


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def location_edit(request: HttpRequest, code: str) -> HttpResponse:
    location = _location(code)
    initial = LocationForm.initial_for(location)
    if request.method == "GET":
        form = LocationForm(initial=initial)
        return render(
            request, "inventory/stock/location_form.html", {"form": form, "location": location}
        )
    form = LocationForm(request.POST, initial=initial)
    if form.is_valid():
        try:
            location = services.location_update(
                actor=Actor.for_user(request.user), location=location, **form.changes(location)
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Location {location.code} saved.")
            return redirect("inventory:location-detail", code=location.code)
    context = {"form": form, "location": location}
    return render(request, "inventory/stock/location_form.html", context, status=UNPROCESSABLE)


@require_POST
@role_required(Role.MANAGER)
def location_archive(request: HttpRequest, code: str) -> HttpResponse:
    """Archive a location, or restore an archived one (its history stays either way)."""
    location = _location(code)
    archive = not location.archived
    try:
        services.location_update(
            actor=Actor.for_user(request.user), location=location, archived=archive
        )
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Location {code} {'archived' if archive else 'restored'}.")
    return redirect("inventory:location-detail", code=code)


@require_GET
@role_required(Role.VIEWER)
def lot_detail(request: HttpRequest, name: str) -> HttpResponse:
    lot = queries.lot_page(name)
    if lot is None:
        raise Http404(f"No lot {name!r}.")
    form = PageForm(request.GET)
    page_number = form.cleaned_data["page"] if form.is_valid() else None
    page = Paginator(queries.lot_contents(lot), CONTENTS_PAGE_SIZE).get_page(page_number)
    parts = PageUrls("inventory:part-detail")
    locations = PageUrls("inventory:location-detail")
    rows = [
        {
            "balance": balance,
            "part_url": parts.of(balance.part.part_type.slug, balance.part.ipn),
            "location_url": locations.of(balance.location.code),
            "status_label": STATUS_LABELS.get(balance.status, balance.status),
        }
        for balance in page.object_list
    ]
    return render(request, "inventory/stock/lot.html", {"lot": lot, "page": page, "rows": rows})
