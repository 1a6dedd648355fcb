"""A real Celery worker, in its own process, on the test database and the configured broker
(the filesystem broker on the SQLite run, Redis on the PostgreSQL run): it answers the status
ping, runs the changelog retention job sent with .delay(), and the job's outcome is reported
by GET /api/v1/status/workers."""

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from config.celery import app as celery_app
from config.core import changelog, tasks
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from tests.conftest import bearer_client, make_user, token_for

ROOT = Path(__file__).resolve().parent.parent
RETENTION_DAYS = 30
WAIT_SECONDS = 60  # a loaded CI machine can take this long to start a worker


def database_url() -> str:
    """The test database (not the configured one), as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"
    raise NotImplementedError(connection.vendor)


def reset_broker_pools() -> None:
    # The app keeps its connection and producer pools for its lifetime; drop them so the next
    # send and ping use the current broker_transport_options.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_for_worker(tmp_path):
    """Environment for the worker's broker, and the same broker for this process.

    The filesystem broker gets private folders (the worker derives them from its own
    WARECACHE_VAR_DIR), so no other worker or leftover message in var/broker interferes.
    A Redis broker is already private to the test run."""
    env = {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        yield env, []
        return
    var_dir = tmp_path / "var"
    broker_dir = var_dir / "broker"
    for sub in ("queue", "control", "processed"):
        (broker_dir / sub).mkdir(parents=True)
    options = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
        "processed_folder": str(broker_dir / "processed"),
        "store_processed": False,
        # Look for new messages every 0.1 s rather than every second: a quicker test.
        "polling_interval": 0.1,
    }
    previous = celery_app.conf.broker_transport_options
    celery_app.conf.broker_transport_options = options
    reset_broker_pools()
    try:
        # The worker derives the same folders from its WARECACHE_VAR_DIR; the command-line
        # setting only adds the polling interval (Celery's `-- key=value` configuration).
        yield (
            env | {"WARECACHE_VAR_DIR": str(var_dir)},
            ["--", f"broker.transport_options=(json){json.dumps(options)}"],
        )
    finally:
        celery_app.conf.broker_transport_options = previous
        reset_broker_pools()


@pytest.fixture
def not_eager():
    """Tasks go to the broker, as in production (the test settings run them eagerly)."""
    eager = celery_app.conf.task_always_eager
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        celery_app.conf.task_always_eager = False
        try:
            yield
        finally:
            celery_app.conf.task_always_eager = eager


@pytest.fixture
def worker(transactional_db, broker_for_worker, not_eager, tmp_path, settings):
    """A worker process on the test database; always terminated, its log shown on failure."""
    settings.WORKER_PING_TIMEOUT = 1.0
    name = f"test-{uuid.uuid4().hex[:8]}@warecache"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "WARECACHE_VAR_DIR"}
    }
    broker_env, broker_args = broker_for_worker
    env |= broker_env | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "CHANGELOG_RETENTION_DAYS": str(RETENTION_DAYS),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                "celery",
                "-n",
                name,
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                *broker_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield name
    finally:
        started = time.monotonic()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        print(f"stopped in {time.monotonic() - started:.1f}s")
        print(f"--- worker log ({log_path}) ---\n{log_path.read_text(errors='replace')[-6000:]}")


def write(entity_key: str, *, days_old: float = 0) -> ChangelogEntry:
    with transaction.atomic():
        entry = changelog.record(
            actor=Actor.system("tests"), action="create", entity_type="part", entity_key=entity_key
        )
    if days_old:
        at = timezone.now() - timedelta(days=days_old)
        ChangelogEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def status_of(client) -> dict:
    response = client.get("/api/v1/status/workers")
    assert response.status_code == 200, response.content
    return response.json()


def wait_for(check, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up after {WAIT_SECONDS} s waiting for {what}")


@pytest.mark.worker
def test_a_real_worker_prunes_the_changelog_and_reports_it(worker):
    client = bearer_client(token_for(make_user("watcher", "viewer")))
    old = [write(f"OLD-{n}", days_old=RETENTION_DAYS + 5) for n in range(3)]
    recent = [write("NEW-1", days_old=RETENTION_DAYS - 1), write("NEW-2")]

    names = wait_for(
        lambda: {w["name"] for w in status_of(client)["workers"] if w["ok"]} & {worker},
        "the worker to answer the status ping",
    )
    assert names == {worker}

    result = tasks.changelog_prune.delay()
    assert result.get(timeout=WAIT_SECONDS) == len(old)

    remaining = set(ChangelogEntry.objects.values_list("id", flat=True))
    assert not remaining & {entry.id for entry in old}
    assert {entry.id for entry in recent} <= remaining

    job = next(j for j in status_of(client)["periodic_jobs"] if j["name"] == "changelog-prune")
    assert job["task"] == "core.changelog_prune"
    assert job["last_status"] == "SUCCESS"
    assert job["last_result"] == str(len(old))
    assert job["last_error"] is None
    assert job["last_run_at"] is not None

    # Idempotent: run again, nothing more to delete.
    assert tasks.changelog_prune.delay().get(timeout=WAIT_SECONDS) == 0
    assert {entry.id for entry in recent} <= set(
        ChangelogEntry.objects.values_list("id", flat=True)
    )
