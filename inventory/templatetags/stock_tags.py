"""Template helpers of the stock pages.

``{% load stock_tags %}{% part_stock part %}`` renders a part's stock: where it is (per
location and lot, a column per status), its on-hand history chart, its last movements. Four
queries whatever the part holds. ``templates/inventory/stock/_part_stock.html`` is the same
thing as an include (context: ``part``)."""

from django import template

from config.core.numbers import plain_number
from inventory.models import StockStatus
from inventory.stock import labels, queries
from inventory.stock.views.chart import chart_window, step_chart

register = template.Library()
LAST_MOVEMENTS = 20


def part_stock_context(part) -> dict:
    rows = queries.part_stock(part)
    shown = [StockStatus.ON_HAND] + [
        status
        for status in StockStatus.values
        if status != StockStatus.ON_HAND and any(row[status] for row in rows)
    ]
    columns = [(status, StockStatus(status).label) for status in shown]
    for row in rows:
        row["cells"] = [row[status] for status in shown]
    by_status = queries.stock_totals(rows)
    totals = [by_status[status] for status in shown]
    start, end = chart_window()
    _history, opening = queries.part_history(part, since=start)
    series = queries.part_history_series(part, bucket="day", opening=opening, since=start)
    movements, _opening = queries.part_history(part)
    return {
        "part": part,
        "rows": rows,
        "columns": columns,
        "totals": totals,
        "chart": step_chart(series, opening=opening, start=start, end=end),
        "movements": list(movements[:LAST_MOVEMENTS]),
    }


@register.inclusion_tag("inventory/stock/_part_stock_body.html")
def part_stock(part) -> dict:
    return part_stock_context(part)


@register.filter
def qty(value) -> str:
    """A quantity without trailing zeros: 12, 0.5, -3."""
    if value is None or value == "":
        return ""
    return plain_number(value)


@register.filter
def part_url(part) -> str:
    return labels.part_url(part)


@register.filter
def page_url(obj) -> str:
    return labels.page_url(obj)
