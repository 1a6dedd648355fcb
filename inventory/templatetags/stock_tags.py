"""Template helpers of the stock pages.

``{% load stock_tags %}{% part_stock part %}`` renders a part's stock: where it is (per
location and lot, a column per status), its on-hand history chart, its last movements. Four
queries whatever the part holds. ``templates/inventory/stock/_part_stock.html`` is the same
thing as an include (context: ``part``, and ``user``: the stock actions show for clerks and
up)."""

from decimal import Decimal, InvalidOperation

from django import template

from config.core.roles import Role
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


@register.inclusion_tag("inventory/stock/_part_stock_body.html", takes_context=True)
def part_stock(context, part) -> dict:
    # Receive and pick buttons only for those whose role may use them (clerks and up).
    user = context.get("user")
    can_change_stock = bool(user and user.is_authenticated and user.has_role(Role.CLERK))
    return {**part_stock_context(part), "can_change_stock": can_change_stock}


@register.filter
def qty(value) -> str:
    """A quantity as a clerk reads it: thousands separated, no trailing zeros, the sign kept
    (4,000 · 1,234.5 · -3 · 0.25). Only for display: the API, exports and form values use
    ``config.core.numbers.plain_number``, which a parser reads back. Text that is not a
    number is shown as given rather than failing the page."""
    if value is None or value == "":
        return ""
    try:
        # str() first: a float's binary expansion (0.1 → 0.1000000000000000055…) is noise.
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if number.is_zero():
        return "0"  # not "-0", which normalize() keeps
    return format(number, ",f")


@register.filter
def part_url(part) -> str:
    return labels.part_url(part)


@register.filter
def page_url(obj) -> str:
    return labels.page_url(obj)
