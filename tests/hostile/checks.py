"""The assertions every hostile request answers to: no server error, a refusal writes nothing,
an accepted write leaves the ledger consistent."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, settings

from .world import differences, fingerprint

# Small per target, so the whole attack stays within a minute; the world is rolled back after
# each example, so examples cannot see each other's writes. HOSTILE_EXAMPLES=200 hunts longer.
EXAMPLES = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# The login throttle keys its counters by the username as typed, which memcached would refuse
# (Django warns); the project's caches (database, Redis) take any key.
ANY_CACHE_KEY = pytest.mark.filterwarnings(
    "ignore::django.core.cache.backends.base.CacheKeyWarning"
)


def ledger_is_consistent() -> None:
    """``manage.py check_ledger``: raises CommandError naming every violation."""
    out = StringIO()
    try:
        call_command("check_ledger", stdout=out, stderr=StringIO())
    except CommandError as exc:
        raise AssertionError(f"{exc}\n{out.getvalue()}") from exc


class Watch:
    """A request's effect on the watched rows: ``with Watch() as watch: ...`` then
    ``watch.wrote``."""

    def __enter__(self) -> "Watch":
        self.before = fingerprint()
        return self

    def __exit__(self, *exc) -> None:
        self.changes = differences(self.before, fingerprint()) if exc[0] is None else {}

    @property
    def wrote(self) -> bool:
        return bool(self.changes)


def judge(response, watch: Watch, what: str) -> None:
    """No 5xx; a refusal (4xx) changed nothing; an accepted write kept the ledger exact."""
    status = response.status_code
    assert status < 500, f"{what}: {status} {response.content[:500]!r}"
    if status >= 400:
        assert not watch.wrote, f"{what}: refused with {status} but wrote {watch.changes}"
    if watch.wrote:
        ledger_is_consistent()
