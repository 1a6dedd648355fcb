"""Progress lines for long seeding runs."""

import time
from collections.abc import Callable

Write = Callable[[str], None]


class Progress:
    """One line per chunk: done/total, rate and ETA (no tqdm: no extra dependency)."""

    def __init__(self, label: str, total: int, write: Write | None):
        self.label, self.total, self.write = label, total, write
        self.done = 0
        self.started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    def advance(self, count: int) -> None:
        self.done += count
        if self.write is None:
            return
        rate = self.rate
        eta = (self.total - self.done) / rate if rate else 0.0
        percent = 100 * self.done / self.total if self.total else 100
        self.write(
            f"  {self.label}: {self.done:,}/{self.total:,} ({percent:3.0f}%) "
            f"{rate:,.0f}/s, ETA {eta:,.0f}s"
        )

    def finish(self) -> None:
        if self.write is not None:
            self.write(
                f"  {self.label} done: {self.done:,} in {self.elapsed:.1f}s ({self.rate:,.0f}/s)"
            )
