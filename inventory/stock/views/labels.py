"""QR labels: one image per part, location or lot (PNG or SVG), a printable sheet of them,
and the short URL a label holds, which opens the right page when a phone scans it."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from config.core import qr
from config.core.roles import Role
from config.core.ui import UNPROCESSABLE, role_required
from inventory.stock import labels
from inventory.stock import queries as stock_queries
from inventory.stock.forms import LabelSheetForm

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _image(request: HttpRequest, obj, fmt: str) -> HttpResponse:
    payload = labels.label_payload(request, obj)
    body = qr.qr_png(payload) if fmt == "png" else qr.qr_svg(payload)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    filename = f"{labels.kind_of(obj)}-{labels.key_of(obj)}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{filename.replace(chr(34), "")}"'
    return response


def _get(find, key: str):
    obj = find(key)
    if obj is None:
        raise Http404(f"No such thing: {key!r}.")
    return obj


@require_GET
@role_required(Role.VIEWER)
def part_label(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    return _image(request, _get(stock_queries.find_part, key), fmt)


@require_GET
@role_required(Role.VIEWER)
def location_label(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    return _image(request, _get(stock_queries.find_location, key), fmt)


@require_GET
@role_required(Role.VIEWER)
def lot_label(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    return _image(request, _get(stock_queries.find_lot, key), fmt)


@require_GET
@role_required(Role.VIEWER)
def scan_open(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """Where a label's URL leads: the part, location or lot page."""
    kind_name = labels.KIND_LETTERS.get(kind)
    if kind_name is None:
        raise Http404("Not a label.")
    return redirect(labels.page_url(_get(labels.FINDERS[kind_name], key)))


def _label(request: HttpRequest, obj, title: str, lines: list[str]) -> dict:
    payload = labels.label_payload(request, obj)
    return {
        "kind": labels.kind_of(obj),
        "key": labels.key_of(obj),
        "title": title,
        "lines": [line for line in lines if line],
        "svg": mark_safe(qr.qr_svg_inline(payload)),  # noqa: S308 - segno's own markup
        "payload": payload,
    }


@require_GET
@role_required(Role.VIEWER)
def label_sheet(request: HttpRequest) -> HttpResponse:
    """A printable grid of labels: ``?parts=IPN,..&locations=CODE,..&lots=NAME,..``."""
    form = LabelSheetForm(request.GET)
    sheet, missing, status = [], [], 200
    if not form.is_valid():
        status = UNPROCESSABLE
    else:
        data = form.cleaned_data
        parts, places, lots = stock_queries.labelled(
            ipns=data["parts"], codes=data["locations"], lot_names=data["lots"]
        )
        for ipn in data["parts"]:
            if (part := parts.get(ipn)) is None:
                missing.append(f"part {ipn}")
                continue
            mpn = " · ".join(filter(None, [part.manufacturer, part.mpn]))
            sheet.append(_label(request, part, part.ipn, [mpn, part.description]))
        for code in data["locations"]:
            if (place := places.get(code)) is None:
                missing.append(f"location {code}")
                continue
            sheet.append(_label(request, place, place.code, [place.path]))
        for name in data["lots"]:
            if (lot := lots.get(name)) is None:
                missing.append(f"lot {name}")
                continue
            expiry = f"Expires {lot.expiry_date:%Y-%m-%d}" if lot.expiry_date else ""
            sheet.append(_label(request, lot, lot.name, [lot.reference, expiry]))
        sheet = [label for label in sheet for _copy in range(data.get("copies") or 1)]
    context = {"form": form, "sheet": sheet, "missing": missing}
    return render(request, "inventory/stock/label_sheet.html", context, status=status)
