"""Who may call what: one row per (method, path) of the API, checked by
tests/test_authorization_matrix.py against the URL resolver, so an endpoint added without a
row fails the suite.

Each area has a module with ``ROWS`` (the rows), ``PATH_VALUES`` (a value for each path
parameter it uses) and ``setup()`` (creates the rows those values name; called once per test
after the callers exist). Requests carry an empty JSON body, so an allowed write may answer
400: that still proves the caller got past authorization."""

from . import accounts, catalogue, changelog, stock
from .common import ACTORS, ROLE_ORDER, at_least, public

AREAS = (accounts, catalogue, changelog, stock)

MATRIX: dict[tuple[str, str], dict[str, int]] = {}
PATH_VALUES: dict[str, str] = {}
for _area in AREAS:
    assert not set(_area.ROWS) & set(MATRIX), f"duplicate rows in {_area.__name__}"
    MATRIX.update(_area.ROWS)
    PATH_VALUES.update(_area.PATH_VALUES)


def setup_all() -> None:
    for area in AREAS:
        area.setup()


__all__ = ["ACTORS", "MATRIX", "PATH_VALUES", "ROLE_ORDER", "at_least", "public", "setup_all"]
