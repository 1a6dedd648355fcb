"""Authorization rows for the catalogue endpoints."""

ROWS: dict[tuple[str, str], dict[str, int]] = {}
PATH_VALUES: dict[str, str] = {}


def setup() -> None:
    pass
