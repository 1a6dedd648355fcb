"""A part's on-hand history as an inline SVG step chart, drawn on the server: no chart
library, no script, and it prints."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28  # room for the axis labels
DAYS = 90


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    path: str = ""
    area: str = ""
    y_ticks: list[dict] = field(default_factory=list)
    x_ticks: list[dict] = field(default_factory=list)
    plot: dict = field(default_factory=dict)
    summary: str = ""
    empty: bool = True


def chart_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last DAYS days, from local midnight, so day buckets line up with the axis."""
    now = timezone.localtime(now or timezone.now())
    start = (now - timedelta(days=DAYS - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, now


def _nice_ceiling(value: Decimal) -> Decimal:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1) if value >= 1 else Decimal(1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def step_chart(series: list[dict], *, opening: Decimal, start: datetime, end: datetime) -> Chart:
    """Geometry of the on-hand line: flat between days with movements, a step at each.
    ``series`` is :func:`inventory.stock.queries.part_history_series` (day buckets)."""
    chart = Chart()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    chart.plot = {"x": LEFT, "y": TOP, "w": plot_w, "h": plot_h, "bottom": TOP + plot_h}
    points = [(start, Decimal(opening))] + [(row["bucket"], row["on_hand"]) for row in series]
    top = _nice_ceiling(max(Decimal(max(value for _at, value in points)), Decimal(0)))
    span = (end - start).total_seconds() or 1

    def x(at: datetime) -> float:
        return round(LEFT + plot_w * max(0.0, min(1.0, (at - start).total_seconds() / span)), 1)

    def y(value: Decimal) -> float:
        return round(TOP + plot_h * (1 - float(max(value, Decimal(0)) / top)), 1)

    commands = [f"M{x(start)},{y(points[0][1])}"]
    for at, value in points[1:]:
        commands += [f"H{x(at)}", f"V{y(value)}"]
    commands.append(f"H{x(end)}")
    chart.path = " ".join(commands)
    chart.area = f"{chart.path} V{TOP + plot_h} H{x(start)} Z"
    # A middle tick only where it is a round number (no "2.5" pieces).
    shares = (Decimal(0), Decimal("0.5"), Decimal(1)) if (top / 2) % 1 == 0 else (0, 1)
    chart.y_ticks = [{"y": y(top * share), "label": _fmt(top * share)} for share in shares]
    chart.x_ticks = [
        {"x": x(start + (end - start) * share), "label": f"{start + (end - start) * share:%d %b}"}
        for share in (0, 1 / 3, 2 / 3, 1)
    ]
    chart.empty = not series and opening == 0
    last = points[-1][1]
    chart.summary = (
        f"On hand over the last {DAYS} days: {_fmt(Decimal(opening))} at the start, "
        f"{_fmt(last)} now, {len(series)} day{'s' if len(series) != 1 else ''} with movements."
    )
    return chart
