"""``{% load parts_table %}{% part_row row part_type list_url %}``: one line of the parts list.

The parts list shows 50 lines of about 25 values each; through template nodes that is some
1,500 variable lookups and escapes a page, which on `make bench`'s 100,000 parts made the page
itself most of its 50 ms budget. Built here with ``format_html`` instead (every value
escaped), the same markup costs a small part of that. The markup is what
``_parts_table.html`` showed; tests/inventory/test_parts_ui.py reads it."""

from django import template
from django.template.defaultfilters import urlencode
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .stock_tags import qty

register = template.Library()
NONE = "—"


def _info_cells(row: dict, part_type, list_url: str) -> SafeString:
    part = row["part"]
    if part_type is not None:
        return format_html_join(
            "",
            '<td class="wc-cell" title="{}">{}</td>',
            ((value, value or NONE) for value in row["info"]),
        )
    summary = " · ".join(str(value) for value in row["info"])
    return format_html(
        '<td><a class="link-secondary" href="{}?type={}">{}</a></td>'
        '<td class="wc-cell wc-cell-wide small" title="{}">{}</td>',
        list_url,
        urlencode(part.part_type.slug),
        part.part_type.name,
        summary,
        summary or NONE,
    )


def _on_hand_cell(row: dict) -> SafeString:
    part = row["part"]
    unit = (
        format_html(' <span class="text-body-secondary">{}</span>', part.unit_of_measure)
        if part.unit_of_measure != "pcs"
        else ""
    )
    if row["low"]:
        return format_html(
            '<td class="text-end text-danger" title="Under its low-stock threshold of {}">'
            "{}{}\n</td>",
            qty(part.low_stock_threshold),
            qty(part.on_hand_total),
            unit,
        )
    return format_html('<td class="text-end">{}{}\n</td>', qty(part.on_hand_total), unit)


@register.simple_tag
def part_row(row: dict, part_type, list_url: str) -> SafeString:
    part = row["part"]
    archived = (
        SafeString('<span class="badge text-bg-warning ms-1">archived</span>')
        if part.archived
        else ""
    )
    tags = format_html_join(
        "",
        '<a class="badge text-bg-secondary text-decoration-none me-1" href="{}">{}</a>',
        ((url, tag) for tag, url in row["tags"]),
    )
    return format_html(
        '<tr>\n<td><a href="{}">{}</a>{}</td>\n<td>{}</td>\n<td>{}</td>\n'
        '<td class="wc-cell wc-cell-wide" title="{}">{}</td>\n{}\n{}\n'
        '<td class="wc-cell" title="{}">{}</td>\n</tr>',
        row["url"],
        part.ipn,
        archived,
        part.mpn or NONE,
        part.manufacturer or NONE,
        part.description,
        part.description,
        _info_cells(row, part_type, list_url),
        _on_hand_cell(row),
        row["tags_title"],
        tags,
    )
