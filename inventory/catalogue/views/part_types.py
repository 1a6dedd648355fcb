"""Part types in the clerk UI: a list with part counts, and (for managers) create, edit and
delete with the info keys as rows."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.core.actors import Actor
from config.core.errors import ServiceError
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required, wants_fragment
from inventory.catalogue import queries, services
from inventory.catalogue.forms import (
    INFO_KEY_PREFIX,
    InfoKeyForm,
    InfoKeyFormSet,
    InfoKeyRowForm,
    PartTypeForm,
    info_key_initial,
)
from inventory.catalogue.views.parts import part_type_or_404
from inventory.models import PartType


def _render_part_types(
    request: HttpRequest, *, notice: tuple[str, str] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "part_types": queries.part_types(order_by="name"),
        "can_edit": request.user.has_role(Role.MANAGER),
        "notice": notice,
    }
    template = (
        "inventory/parts/_part_types_table.html"
        if wants_fragment(request)
        else "inventory/parts/part_types.html"
    )
    return render(request, template, context, status=status)


@require_GET
@role_required(Role.VIEWER)
def part_type_list(request: HttpRequest) -> HttpResponse:
    return _render_part_types(request)


def _apply_part_type_error(form: PartTypeForm, rows: list[InfoKeyForm], exc: ServiceError):
    """Errors keyed ``info_keys.<index>.<field>`` go to that row of the formset (the index is
    the row's place in the list given to the service), the others to the type's form."""
    for name, texts in (exc.errors or {}).items():
        head, _dot, rest = name.partition(".")
        if head == "info_keys" and rest:
            index, _dot, field = rest.partition(".")
            if index.isdigit() and int(index) < len(rows):
                row = rows[int(index)]
                for text in texts:
                    row.add_error(field if field in row.fields else None, text)
                continue
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
    form.add_error(None, exc.detail)


def _part_type_form_view(request: HttpRequest, part_type: PartType | None) -> HttpResponse:
    initial = info_key_initial(part_type) if part_type else []
    if request.method == "POST":
        data = request.POST
        if "add_row" in data:  # without JavaScript: the same form with one more empty row
            data = data.copy()
            total = data.get(f"{INFO_KEY_PREFIX}-TOTAL_FORMS", "0")
            # ASCII digits, few: "²" is a digit to isdigit() but not to int().
            count = int(total) if total.isascii() and total.isdigit() and len(total) < 4 else 0
            data[f"{INFO_KEY_PREFIX}-TOTAL_FORMS"] = str(count + 1)
        form = PartTypeForm(data, part_type=part_type)
        formset = InfoKeyFormSet(data, initial=initial, prefix=INFO_KEY_PREFIX)
    else:
        form = PartTypeForm(part_type=part_type)
        formset = InfoKeyFormSet(initial=initial, prefix=INFO_KEY_PREFIX)
    context = {"form": form, "formset": formset, "part_type": part_type}
    template = "inventory/parts/part_type_form.html"
    if request.method == "GET" or "add_row" in request.POST:
        return render(request, template, context)
    if form.is_valid() and formset.is_valid():
        fields = {**form.cleaned_data, "info_keys": formset.specs()}
        try:
            if part_type is None:
                part_type = services.part_type_create(actor=Actor.for_user(request.user), **fields)
            else:
                services.part_type_update(
                    actor=Actor.for_user(request.user), part_type=part_type, **fields
                )
        except ServiceError as exc:
            _apply_part_type_error(form, formset.kept_forms(), exc)
        else:
            messages.success(request, f"Part type {part_type.name} saved.")
            return redirect("inventory:part-type-list")
    return render(request, template, context, status=UNPROCESSABLE)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def part_type_create(request: HttpRequest) -> HttpResponse:
    return _part_type_form_view(request, None)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def part_type_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _part_type_form_view(request, part_type_or_404(slug))


@require_GET
@role_required(Role.MANAGER)
def info_key_row(request: HttpRequest) -> HttpResponse:
    """One empty info key row for the part type form, and the formset's new row count."""
    form = InfoKeyRowForm(request.GET)
    if not form.is_valid():
        return HttpResponse("Give the formset's row count.", status=400)
    index = form.cleaned_data["count"]
    row = InfoKeyForm(prefix=f"{INFO_KEY_PREFIX}-{index}", use_required_attribute=False)
    context = {"row": row, "total": index + 1, "prefix": INFO_KEY_PREFIX, "oob": True}
    return render(request, "inventory/parts/_info_key_row.html", context)


@require_POST
@role_required(Role.MANAGER)
def part_type_delete(request: HttpRequest, slug: str) -> HttpResponse:
    part_type = part_type_or_404(slug)
    try:
        services.part_type_delete(actor=Actor.for_user(request.user), part_type=part_type)
    except ServiceError as exc:
        level, text, status = "danger", exc.detail, UNPROCESSABLE
    else:
        level, text, status = "success", f"Part type {part_type.name} deleted.", 200
    if wants_fragment(request):
        return _render_part_types(request, notice=(level, text), status=status)
    messages.add_message(request, messages.SUCCESS if status == 200 else messages.ERROR, text)
    return redirect("inventory:part-type-list")
