"""The parts catalogue in the clerk UI: the parts list (live search, filters, sorting), part
pages with alternates, the part form, and part types. Thin views over
``inventory.catalogue.services`` and ``inventory.catalogue.queries``; everyone signed in reads,
writes need a manager. Every page also works without JavaScript."""

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from config.core.actors import Actor
from config.core.errors import NotFound, ServiceError
from config.core.forms import apply_service_error
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required, wants_fragment
from inventory.catalogue import queries, services
from inventory.catalogue.forms import (
    AlternateForm,
    PartFilterForm,
    PartForm,
)
from inventory.catalogue.views.page_urls import PageUrls
from inventory.models import Part, PartType

PAGE_SIZE = 50
CONFLICT = 409
INFO_COLUMNS = 5  # info values shown as columns when one type is listed
INFO_SUMMARY = 3  # info values shown in one cell when all types are listed
# Sections of the part page that other features provide; shown once their template exists.
PART_SECTIONS = ("inventory/stock/_part_stock.html",)


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user)


def _part_or_404(ptype: str, ipn: str) -> Part:
    try:
        return queries.part_by_key(ptype, ipn)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def part_type_or_404(slug: str) -> PartType:
    try:
        return queries.part_type_by_slug(slug)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def _detail_url(part: Part) -> str:
    return reverse("inventory:part-detail", args=[part.part_type.slug, part.ipn])


# ---------------------------------------------------------------------------------------------
# Parts list


def _query_without(request: HttpRequest, *names: str) -> QueryDict:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query


def _columns(request: HttpRequest, form: PartFilterForm, ordering: str) -> list[dict]:
    """Table headers; sortable ones link to their ordering (again: the reverse one)."""
    fixed = [("ipn", "IPN"), ("mpn", "MPN"), ("manufacturer", "Manufacturer")]
    fixed.append(("description", "Description"))
    info = [(f"info.{key.key}", key.label) for key in form.info_keys[:INFO_COLUMNS]]
    columns = []
    for name, label in [*fixed, *info]:
        query = _query_without(request, "page", "ordering")
        direction = "asc" if ordering == name else "desc" if ordering == f"-{name}" else ""
        query["ordering"] = f"-{name}" if direction == "asc" else name
        columns.append({"label": label, "query": query.urlencode(), "direction": direction})
    return columns


def _rows(parts: list[queries.PartRow], form: PartFilterForm) -> list[dict]:
    """The table's rows: each part with its page's URL, its info values as people read them
    (a column per key for one type, a summary for all types), whether it is under its
    low-stock threshold, and its tags with the list of the parts (of this type) with each."""
    urls = PageUrls("inventory:part-detail")
    tag_list = reverse("inventory:part-list") + "?"
    if form.part_type is not None:
        tag_list += f"type={quote(form.part_type.slug)}&"
    rows = []
    for part in parts:
        keys = list(part.part_type.info_keys.all())
        shown = queries.display_info(keys, part.info)
        if form.part_type is not None:
            cells = [shown.get(key.key, "") for key in form.info_keys[:INFO_COLUMNS]]
        else:
            cells = [f"{key.label}: {shown[key.key]}" for key in keys if key.key in shown]
            cells = cells[:INFO_SUMMARY]
        low = part.shortfall is not None and part.shortfall > 0  # as the low-stock report
        tags = [(name, f"{tag_list}tags={quote(name)}") for name in part.tag_names]
        rows.append(
            {
                "part": part,
                "url": urls.of(part.part_type.slug, part.ipn),
                "info": cells,
                "low": low,
                "tags": tags,
                "tags_title": ", ".join(part.tag_names),
            }
        )
    return rows


@require_GET
@role_required(Role.VIEWER)
def part_list(request: HttpRequest) -> HttpResponse:
    part_types = queries.part_types_by_name()
    form = PartFilterForm(request.GET, part_types=part_types)
    context = {
        "form": form,
        "part_type": form.part_type,
        "part_types": part_types,
        "page": None,
        "rows": [],
        "can_edit": request.user.has_role(Role.MANAGER),
    }
    status = 200
    if form.is_valid():
        found = queries.parts(**form.list_arguments(), part_types=part_types)
        paginator = Paginator(found, PAGE_SIZE)
        page = paginator.get_page(form.cleaned_data["page"])
        ordering = form.cleaned_data["ordering"] or "ipn"
        context.update(
            page=page,
            rows=_rows(list(page.object_list), form),
            ordering=form.cleaned_data["ordering"],
            columns=_columns(request, form, ordering),
            archived_shown=bool(form.cleaned_data["archived"]),
        )
    else:
        status = UNPROCESSABLE
    context["query"] = _query_without(request, "page").urlencode()
    context["filtered"] = any(
        value for name, value in request.GET.items() if name not in {"type", "page", "ordering"}
    )
    if wants_fragment(request):
        return render(request, "inventory/parts/_parts_table.html", context, status=status)
    return render(request, "inventory/parts/list.html", context, status=status)


@require_GET
@role_required(Role.VIEWER)
def manufacturer_options(request: HttpRequest) -> HttpResponse:
    """The manufacturer filter's suggestions, fetched when the field is first focused: reading
    every part's manufacturer cost the list page a third of its time, for a field most visits
    leave alone."""
    context = {"manufacturers": queries.manufacturer_names()}
    return render(request, "inventory/parts/_manufacturer_options.html", context)


# ---------------------------------------------------------------------------------------------
# Part page, alternates, delete


def _sections() -> list[str]:
    found = []
    for name in PART_SECTIONS:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def _detail_context(request: HttpRequest, part: Part, **extra) -> dict:
    keys = list(part.part_type.info_keys.all())
    shown = queries.display_info(keys, part.info)
    context = {
        "part": part,
        "part_type": part.part_type,
        "info": [{"key": key, "value": shown.get(key.key)} for key in keys],
        "tags": list(part.tags.all()),
        "alternates": queries.alternates_of(part),
        "alternate_form": AlternateForm(),
        "can_edit": request.user.has_role(Role.MANAGER),
        "sections": _sections(),
    }
    context.update(extra)
    return context


@require_GET
@role_required(Role.VIEWER)
def part_detail(request: HttpRequest, ptype: str, ipn: str) -> HttpResponse:
    part = _part_or_404(ptype, ipn)
    return render(request, "inventory/parts/detail.html", _detail_context(request, part))


def _render_alternates(
    request: HttpRequest,
    part: Part,
    *,
    form: AlternateForm | None = None,
    notice: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The alternates section alone for htmx, the whole part page otherwise."""
    context = _detail_context(request, part, alternate_form=form or AlternateForm(), notice=notice)
    template = (
        "inventory/parts/_alternates.html"
        if wants_fragment(request)
        else "inventory/parts/detail.html"
    )
    return render(request, template, context, status=status)


@require_POST
@role_required(Role.MANAGER)
def alternate_add(request: HttpRequest, ptype: str, ipn: str) -> HttpResponse:
    part = _part_or_404(ptype, ipn)
    form = AlternateForm(request.POST)
    if not form.is_valid():
        return _render_alternates(request, part, form=form, status=UNPROCESSABLE)
    alternate = queries.part_by_ipn(form.cleaned_data["ipn"].strip())
    if alternate is None:
        form.add_error("ipn", "No part has this IPN.")
        return _render_alternates(request, part, form=form, status=UNPROCESSABLE)
    try:
        services.alternate_add(
            actor=_actor(request), part=part, alternate=alternate, note=form.cleaned_data["note"]
        )
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _render_alternates(request, part, form=form, status=UNPROCESSABLE)
    if not wants_fragment(request):
        messages.success(request, f"{alternate.ipn} is now an alternate of {part.ipn}.")
        return redirect(_detail_url(part))
    notice = ("success", f"{alternate.ipn} is now an alternate of {part.ipn}.")
    return _render_alternates(request, part, notice=notice)


@require_POST
@role_required(Role.MANAGER)
def alternate_remove(request: HttpRequest, ptype: str, ipn: str, alt_ipn: str) -> HttpResponse:
    part = _part_or_404(ptype, ipn)
    alternate = queries.part_by_ipn(alt_ipn)
    try:
        if alternate is None:
            raise NotFound(f"No part {alt_ipn!r}.")
        services.alternate_remove(actor=_actor(request), part=part, alternate=alternate)
    except ServiceError as exc:
        level, text, status = "danger", exc.detail, UNPROCESSABLE
    else:
        level, text, status = "success", f"{alt_ipn} is no longer an alternate.", 200
    if wants_fragment(request):
        return _render_alternates(request, part, notice=(level, text), status=status)
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, text)
    return redirect(_detail_url(part))


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def part_delete(request: HttpRequest, ptype: str, ipn: str) -> HttpResponse:
    """GET: a confirmation page (for browsers without JavaScript; the part page asks with
    hx-confirm). POST: delete, or say why not (the part is in use)."""
    part = _part_or_404(ptype, ipn)
    refusal = None
    if request.method == "POST":
        try:
            services.part_delete(actor=_actor(request), part=part)
        except ServiceError as exc:
            refusal = exc.detail
        else:
            messages.success(request, f"Part {part.ipn} deleted.")
            target = f"{reverse('inventory:part-list')}?type={part.part_type.slug}"
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return redirect(target)
    if refusal and wants_fragment(request):
        return render(
            request,
            "inventory/parts/_delete_refused.html",
            {"refusal": refusal},
            status=UNPROCESSABLE,
        )
    context = {"part": part, "refusal": refusal}
    status = CONFLICT if refusal else 200
    return render(request, "inventory/parts/confirm_delete.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# Part create and edit


def _render_part_form(request, form: PartForm, *, status: int = 200) -> HttpResponse:
    context = {"form": form, "part_type": form.part_type, "part": form.part}
    return render(request, "inventory/parts/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def part_create(request: HttpRequest, ptype: str) -> HttpResponse:
    part_type = part_type_or_404(ptype)
    if request.method == "GET":
        return _render_part_form(request, PartForm(part_type=part_type))
    form = PartForm(request.POST, part_type=part_type)
    if form.is_valid():
        try:
            part = services.part_create(
                actor=_actor(request), part_type=part_type, **form.service_fields()
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Part {part.ipn} created.")
            return redirect(_detail_url(part))
    return _render_part_form(request, form, status=UNPROCESSABLE)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def part_edit(request: HttpRequest, ptype: str, ipn: str) -> HttpResponse:
    part = _part_or_404(ptype, ipn)
    if request.method == "GET":
        return _render_part_form(request, PartForm(part_type=part.part_type, part=part))
    form = PartForm(request.POST, part_type=part.part_type, part=part)
    if form.is_valid():
        try:
            services.part_update(actor=_actor(request), part=part, **form.service_fields())
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"Part {part.ipn} saved.")
            return redirect(_detail_url(part))
    return _render_part_form(request, form, status=UNPROCESSABLE)
