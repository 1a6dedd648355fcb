"""Idempotency keys, as Stripe does them: the first answer to a key is stored and a retry
gets it back; the same key with a different request is a 422. One mechanism for people and
jobs: a key belongs to a scope, a user's (an ``Idempotency-Key`` header, a UI form) or a job's
(a Celery task passing ``idempotency_key`` to a service), see :func:`scope_of`.

The key is claimed (inserted) before the work starts, in the same transaction. A concurrent
retry's insert then waits on the unique index until the first commits, fails, and replays
the stored response, so the work is never done twice, even when the first attempt's work
would make the retry fail (the stock it took is gone)."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .actors import Actor
from .errors import ServiceError, Unprocessable, error_body
from .models import IdempotencyRecord

MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(days=1)


def request_fingerprint(method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def scope_of(actor: Actor) -> str:
    """Whose keys these are: a person's (their own and their tokens' share one scope, like
    the API's header keys) or a job's or sensor's, by its name."""
    if actor.user is not None:
        return f"user:{actor.user.pk}"
    return f"{actor.kind}:{actor.name}"[:100]


def run_idempotent(
    *, scope: str, key: str, fingerprint: str, work: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run ``work`` once per (scope, key). Returns (status, body, replayed).

    ``work`` returns (status, body) or raises a ServiceError; refusals are stored and
    replayed too, so a client that retries sees the same answer."""
    # Printable: a control character (NUL above all, which PostgreSQL cannot store) is refused
    # here, for every caller, not by the database with a 500.
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ServiceError(
            f"An Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            code="bad_idempotency_key",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope,
                    key=key,
                    request_hash=fingerprint,
                    response_status=0,
                    response_body={},
                )
        except IntegrityError:
            record = None
        if record is None:
            return _replay(scope, key, fingerprint)
        try:
            with transaction.atomic():
                status, body = work()
        except ServiceError as exc:
            status, body = (
                exc.status_code,
                error_body(exc.detail, exc.code, exc.errors, **exc.extra),
            )
        record.response_status, record.response_body = status, body
        record.save(update_fields=["response_status", "response_body"])
    return status, body, False


def _replay(scope: str, key: str, fingerprint: str) -> tuple[int, dict, bool]:
    record = IdempotencyRecord.objects.get(scope=scope, key=key)
    if record.request_hash != fingerprint:
        raise Unprocessable(
            "This Idempotency-Key was already used with a different request.",
            code="idempotency_key_reused",
        )
    return record.response_status, record.response_body, True


def idempotency_prune(*, now=None) -> int:
    """Forget keys older than a day (clients retry within minutes)."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
