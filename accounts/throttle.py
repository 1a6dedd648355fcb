"""Where failed logins are counted: in the shared cache (Redis, or the database cache), or in
this process's memory while the cache does not answer.

A missing cache table or a Redis outage must neither turn a login into a 500 nor lift the limit
on failed logins. So every cache call here is guarded: on the first failure a warning is logged
once, the counters move to process memory, and the cache is tried again every
``CACHE_RETRY_SECONDS`` (so that a Redis that hangs, rather than refuses, costs one socket
timeout per interval, not one per login). While degraded the limits hold per server process,
not across processes: with N gunicorn workers a username can fail up to N times the limit.
The health check reports the degradation (``health()``)."""

import logging
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import connections, router, transaction
from django.utils import timezone

from config.core.errors import Throttled

logger = logging.getLogger(__name__)

CACHE_RETRY_SECONDS = 30.0
# A flood of distinct usernames or addresses must not grow a process without bound.
MEMORY_MAX_KEYS = 100_000
_PROBE_KEY = "login-throttle:probe"


class _MemoryCounters:
    """Expiring counters of one process, shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, monotonic expiry)

    def get_many(self, keys: list[str]) -> dict[str, int]:
        now = time.monotonic()
        with self._lock:
            entries = {key: self._counts.get(key) for key in keys}
        return {key: entry[0] for key, entry in entries.items() if entry and entry[1] > now}

    def incr(self, keys: list[str], timeout: int) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                count, expires = self._counts.get(key, (0, 0.0))
                if expires <= now:
                    count, expires = 0, now + timeout
                self._counts[key] = (count + 1, expires)
            if len(self._counts) > MEMORY_MAX_KEYS:
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
                # Still too many: forget the oldest counters (dicts keep insertion order).
                for key in list(self._counts)[: len(self._counts) - MEMORY_MAX_KEYS]:
                    del self._counts[key]

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


class _Outage:
    """Whether the cache is failing, since when and why; one per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.since: datetime | None = None
        self.error: str | None = None
        self.retry_at = 0.0

    def cache_usable(self) -> bool:
        return self.since is None or time.monotonic() >= self.retry_at

    def failed(self, exc: Exception) -> None:
        with self._lock:
            first = self.since is None
            if first:
                self.since = timezone.now()
            self.error = type(exc).__name__
            self.retry_at = time.monotonic() + CACHE_RETRY_SECONDS
        if first:
            logger.warning(
                "Login throttling cannot use the cache (%s: %s); counting failed logins in "
                "this process's memory until the cache answers again.",
                type(exc).__name__,
                exc,
            )

    def answered(self) -> None:
        if self.since is None:
            return
        with self._lock:
            recovered, self.since, self.error = self.since is not None, None, None
        if recovered:
            logger.info("The cache answers again; login throttling uses it again.")

    def forget(self) -> None:
        with self._lock:
            self.since, self.error, self.retry_at = None, None, 0.0


_memory = _MemoryCounters()
_outage = _Outage()


def _cache():
    return caches[DEFAULT_CACHE_ALIAS]


def _savepoint(cache) -> AbstractContextManager:
    # On PostgreSQL a failed statement (a missing cache table) aborts the enclosing
    # transaction; a savepoint confines the failure to the cache call.
    if isinstance(cache, BaseDatabaseCache):
        alias = router.db_for_write(cache.cache_model_class)
        if connections[alias].in_atomic_block:
            return transaction.atomic(using=alias)
    return nullcontext()


def failure_counts(keys: list[str]) -> dict[str, int]:
    """The failed logins counted under each key, from the cache and from this process's
    memory (the larger of the two: counts from an outage still hold once it is over)."""
    counts = _memory.get_many(keys)
    if _outage.cache_usable():
        cache = _cache()
        try:
            with _savepoint(cache):
                cached = cache.get_many(keys)
        except Exception as exc:
            _outage.failed(exc)
        else:
            _outage.answered()
            counts = {key: max(counts.get(key, 0), cached.get(key, 0)) for key in keys}
    return counts


def count_failure(keys: list[str], *, timeout: int) -> None:
    """Count one failed login under each key for ``timeout`` seconds."""
    if _outage.cache_usable():
        cache = _cache()
        try:
            with _savepoint(cache):
                for key in keys:
                    if not cache.add(key, 1, timeout=timeout):
                        try:
                            cache.incr(key)
                        except ValueError:  # expired between add and incr
                            cache.set(key, 1, timeout=timeout)
        except Exception as exc:
            _outage.failed(exc)
        else:
            return
    _memory.incr(keys, timeout)


def window() -> tuple[int, int]:
    """The current fixed window of the login throttle: its number, and the seconds left in it.
    Every counter here (failed logins and passwords, wrong device codes, sign-ins started) is
    kept per window."""
    size = settings.LOGIN_THROTTLE["window_seconds"]
    now = int(timezone.now().timestamp())
    return now // size, size - now % size


def count_start(key: str, *, limit: int, refusal: str) -> None:
    """Count one more start of something anyone may start (a row or a session each: a device
    sign-in, an OpenID login) under ``key`` in this window; past ``limit`` refuse it (429)."""
    number, retry_after = window()
    key = f"{key}:{number}"
    if failure_counts([key]).get(key, 0) >= limit:
        raise Throttled(refusal, retry_after=retry_after)
    count_failure([key], timeout=retry_after + 1)


def health() -> dict:
    """For the health check: whether failed logins are counted in the shared cache, or (degraded)
    in each process's memory, and why. Asks the cache unless it failed in the last
    ``CACHE_RETRY_SECONDS``."""
    if _outage.cache_usable():
        cache = _cache()
        try:
            with _savepoint(cache):
                cache.get(_PROBE_KEY)
        except Exception as exc:
            _outage.failed(exc)
        else:
            _outage.answered()
    since, error = _outage.since, _outage.error
    if since is None:
        return {"degraded": False, "store": "cache", "backend": type(_cache()).__name__}
    return {
        "degraded": True,
        "store": "memory",
        "backend": type(_cache()).__name__,
        "error": error,
        "since": since.isoformat(),
        "reason": (
            f"The cache does not answer ({error}): failed logins are counted in each server "
            "process's memory, so the limits hold per process until the cache answers again."
        ),
    }


def reset() -> None:
    """Forget the counters in memory and any outage (for tests)."""
    _memory.clear()
    _outage.forget()


def create_cache_tables(*, using: str, verbosity: int = 1, stdout=None, **kwargs) -> None:
    """post_migrate receiver: create the database cache tables the configured caches need
    (``createcachetable`` skips tables that exist), so ``migrate`` alone prepares a server."""
    options = {"database": using, "verbosity": max(verbosity - 1, 0)}
    if stdout is not None:
        options["stdout"] = stdout
    call_command("createcachetable", **options)
