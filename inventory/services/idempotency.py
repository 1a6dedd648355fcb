"""``Idempotency-Key`` for stock-changing POSTs, as Stripe does it: the first response to a
key is stored and a retry gets it back; the same key with a different request is a 422.

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

from accounts.models import User
from config.errors import ServiceError, Unprocessable, error_body

from ..models import IdempotencyRecord

MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(days=1)


def request_fingerprint(method: str, path: str, body) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def run_idempotent(
    *, user: User, key: str, fingerprint: str, work: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run ``work`` once per (user, key). Returns (status, body, replayed).

    ``work`` returns (status, body) or raises a ServiceError; refusals are stored and
    replayed too, so a client that retries sees the same answer."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ServiceError(
            f"An Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
            code="bad_idempotency_key",
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    request_hash=fingerprint,
                    response_status=0,
                    response_body={},
                )
        except IntegrityError:
            record = None
        if record is None:
            return _replay(user, key, fingerprint)
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


def _replay(user: User, key: str, fingerprint: str) -> tuple[int, dict, bool]:
    record = IdempotencyRecord.objects.get(user=user, key=key)
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
