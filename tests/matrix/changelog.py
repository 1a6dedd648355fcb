"""Authorization rows for the changelog endpoints."""

ROWS: dict[tuple[str, str], dict[str, int]] = {}
PATH_VALUES: dict[str, str] = {}


def setup() -> None:
    pass
