"""Authorization rows for the changelog endpoints: everyone with a role may read them."""

from .common import at_least

PATH_VALUES = {"timestamp": "2026-01-01T00:00:00Z"}


def setup() -> None:
    pass


ROWS: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/changelog"): at_least("viewer", 200),
    ("GET", "/api/v1/changelog/since/{timestamp}"): at_least("viewer", 200),
}
