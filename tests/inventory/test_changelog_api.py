"""GET /api/v1/changelog, the retention job and the periodic jobs on /api/v1/status/workers."""

from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_celery_results.models import TaskResult

from config.core import changelog, tasks
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.services import changelog_prune

pytestmark = pytest.mark.django_db

PRUNE_TASK = "core.changelog_prune"


def write(entity_key="R-0001", *, entity_type="part", action="create", actor=None, changes=None):
    with transaction.atomic():
        return changelog.record(
            actor=actor or Actor.system("tests"),
            action=action,
            entity_type=entity_type,
            entity_key=entity_key,
            changes=changes,
        )


def aged(entry: ChangelogEntry, days: float) -> ChangelogEntry:
    ChangelogEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days))
    entry.refresh_from_db()
    return entry


@pytest.fixture
def reader(as_viewer):
    """A viewer's client, with the changelog emptied of the entries the fixtures wrote."""
    ChangelogEntry.objects.all().delete()
    return as_viewer


# The list ---------------------------------------------------------------------------------


def test_entries_have_the_documented_shape(reader, viewer):
    token_actor = Actor(kind="token", user=viewer, token_label="ci-runner", name="vera")
    entry = write(
        "R-0001", action="update", actor=token_actor, changes={"description": ["old", "new"]}
    )
    body = reader.get("/api/v1/changelog").json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": entry.id,
            "at": entry.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "actor": {"kind": "token", "name": "vera", "token_label": "ci-runner"},
            "action": "update",
            "entity_type": "part",
            "entity_key": "R-0001",
            "changes": {"description": ["old", "new"]},
        }
    ]


def test_a_job_has_no_token_label(reader):
    write(actor=Actor.system("distributor-sync"))
    actor = reader.get("/api/v1/changelog").json()["results"][0]["actor"]
    assert actor == {"kind": "system", "name": "distributor-sync", "token_label": None}


@override_settings(TIME_ZONE="Europe/Berlin")
def test_times_are_utc_whatever_the_server_time_zone(reader):
    write()
    assert reader.get("/api/v1/changelog").json()["results"][0]["at"].endswith("Z")


def test_newest_first_and_paginated(reader):
    ids = [write(f"R-{n:04}").id for n in range(5)]
    first = reader.get("/api/v1/changelog?page_size=2").json()
    assert first["count"] == 5
    assert [e["id"] for e in first["results"]] == ids[::-1][:2]
    assert first["next"] is not None and first["previous"] is None
    last = reader.get("/api/v1/changelog?page_size=2&page=3").json()
    assert [e["id"] for e in last["results"]] == [ids[0]]


@pytest.mark.parametrize(
    ("query", "expected_keys"),
    [
        ("entity_type=location", {"SHELF-1"}),
        ("entity_key=R-0001", {"R-0001"}),
        ("actor=mona", {"R-0002"}),
        ("action=delete", {"SHELF-1"}),
        ("action=create&entity_type=part", {"R-0001"}),
        ("search=shelf", {"SHELF-1"}),
        ("search=mona", {"R-0002"}),
    ],
)
def test_filters(reader, query, expected_keys):
    write("R-0001")
    write("R-0002", action="update", actor=Actor(kind="user", name="mona"))
    write("SHELF-1", entity_type="location", action="delete")
    results = reader.get(f"/api/v1/changelog?{query}").json()["results"]
    assert {entry["entity_key"] for entry in results} == expected_keys


def test_an_unknown_action_is_a_400_in_the_error_shape(reader):
    response = reader.get("/api/v1/changelog?action=explode")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "action" in response.json()["errors"]


def test_anonymous_is_401(anon):
    assert anon.get("/api/v1/changelog").status_code == 401


def test_list_query_count_does_not_grow_with_rows(reader, django_assert_max_num_queries):
    for n in range(30):
        write(f"R-{n:04}", changes={"stock": [n, n + 1]})
    reader.get("/api/v1/changelog")  # the token's first use is recorded once
    # token lookup + count + page, whatever the page size
    with django_assert_max_num_queries(3):
        response = reader.get("/api/v1/changelog?page_size=1000")
    assert len(response.json()["results"]) == 30


# Retention -------------------------------------------------------------------------------


@override_settings(CHANGELOG_RETENTION_DAYS=None)
def test_without_retention_nothing_is_pruned(db):
    aged(write(), days=10_000)
    assert changelog_prune() == 0
    assert ChangelogEntry.objects.count() >= 1


@override_settings(CHANGELOG_RETENTION_DAYS=30)
def test_prune_deletes_only_entries_older_than_the_retention(db):
    ChangelogEntry.objects.all().delete()
    old = [aged(write(f"OLD-{n}"), days=31) for n in range(5)]
    recent = [aged(write("NEW-1"), days=29), write("NEW-2")]
    assert changelog_prune(batch_size=2) == len(old)  # three batches
    assert set(ChangelogEntry.objects.values_list("id", flat=True)) == {e.id for e in recent}
    assert changelog_prune() == 0  # idempotent


@override_settings(CHANGELOG_RETENTION_DAYS=30)
def test_prune_measures_age_from_the_given_now(db):
    ChangelogEntry.objects.all().delete()
    write()
    assert changelog_prune(now=timezone.now() + timedelta(days=31)) == 1


@override_settings(CHANGELOG_RETENTION_DAYS=7)
def test_the_task_wraps_the_service_and_acks_late(db):
    ChangelogEntry.objects.all().delete()
    aged(write(), days=8)
    assert tasks.changelog_prune.acks_late is True
    assert tasks.changelog_prune.delay().get() == 1
    assert tasks.changelog_prune.delay().get() == 0


def test_beat_schedules_the_prune_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["changelog-prune"]
    assert entry["task"] == PRUNE_TASK
    assert entry["schedule"] == timedelta(days=1)


@pytest.mark.parametrize(("value", "expected"), [("", None), ("90", 90), (None, None)])
def test_retention_comes_from_the_environment(monkeypatch, value, expected):
    from config import settings as config_settings

    if value is None:
        monkeypatch.delenv("CHANGELOG_RETENTION_DAYS", raising=False)
    else:
        monkeypatch.setenv("CHANGELOG_RETENTION_DAYS", value)
    assert config_settings._retention_days() == expected


@pytest.mark.parametrize("value", ["0", "-3", "ninety", "1.5"])
def test_a_bad_retention_refuses_to_start(monkeypatch, value):
    from django.core.exceptions import ImproperlyConfigured

    from config import settings as config_settings

    monkeypatch.setenv("CHANGELOG_RETENTION_DAYS", value)
    with pytest.raises(ImproperlyConfigured):
        config_settings._retention_days()


# Periodic jobs on /api/v1/status/workers ---------------------------------------------------


def jobs_of(client) -> dict[str, dict]:
    response = client.get("/api/v1/status/workers")
    assert response.status_code == 200
    return {job["name"]: job for job in response.json()["periodic_jobs"]}


def test_configured_jobs_are_listed_before_beat_ever_ran(as_viewer):
    assert not PeriodicTask.objects.exists()
    job = jobs_of(as_viewer)["changelog-prune"]
    assert job == {
        "name": "changelog-prune",
        "task": PRUNE_TASK,
        "enabled": True,
        "schedule": "every 1 day",
        "last_run_at": None,
        "total_run_count": 0,
        "last_status": None,
        "last_result": None,
        "last_error": None,
    }


def finished(task_name, status="SUCCESS", *, result="3", traceback=None, minutes_ago=0):
    return TaskResult.objects.create(
        task_id=f"{task_name}-{status}-{minutes_ago}",
        task_name=task_name,
        status=status,
        result=result,
        traceback=traceback,
        date_done=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_configured_job_shows_its_latest_run_from_the_results(as_viewer):
    finished(PRUNE_TASK, "SUCCESS", result="12", minutes_ago=60)
    latest = finished(
        PRUNE_TASK,
        "FAILURE",
        result='{"exc_type": "OperationalError"}',
        traceback="Traceback (most recent call last):\n  ...\nOperationalError: database is locked",
        minutes_ago=1,
    )
    job = jobs_of(as_viewer)["changelog-prune"]
    assert job["last_status"] == "FAILURE"
    assert job["last_error"] == "OperationalError: database is locked"
    assert job["last_run_at"] == latest.date_done.isoformat().replace("+00:00", "Z")


def test_beat_rows_are_merged_with_the_configured_jobs_and_extra_rows_listed(as_viewer):
    daily = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    nightly = CrontabSchedule.objects.create(minute="15", hour="2")
    ran_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    PeriodicTask.objects.create(
        name="changelog-prune",
        task=PRUNE_TASK,
        interval=daily,
        last_run_at=ran_at,
        total_run_count=4,
    )
    PeriodicTask.objects.create(
        name="nightly-report", task="reports.nightly", crontab=nightly, enabled=False
    )
    PeriodicTask.objects.create(
        name="celery.backend_cleanup", task="celery.backend_cleanup", crontab=nightly
    )
    finished(PRUNE_TASK, result="7")
    finished("reports.nightly", "FAILURE", traceback="ValueError: no data")

    jobs = jobs_of(as_viewer)
    assert set(jobs) == {
        "changelog-prune",
        "idempotency-prune",
        "device-authorization-prune",
        "nightly-report",
    }
    prune = jobs["changelog-prune"]
    assert (prune["total_run_count"], prune["last_status"], prune["last_result"]) == (
        4,
        "SUCCESS",
        "7",
    )
    assert prune["last_run_at"] == "2026-01-02T03:04:05Z"
    report = jobs["nightly-report"]
    assert report["enabled"] is False
    assert report["schedule"].startswith("crontab 15 2 ")
    assert (report["last_status"], report["last_error"]) == ("FAILURE", "ValueError: no data")


def test_status_query_count_does_not_grow_with_jobs(api, viewer, django_assert_num_queries):
    client = api(viewer)
    client.get("/api/v1/status/workers")  # the token's first use is recorded once
    for n in range(10):
        schedule = IntervalSchedule.objects.create(every=n + 1, period=IntervalSchedule.HOURS)
        PeriodicTask.objects.create(name=f"job-{n}", task=f"jobs.t{n}", interval=schedule)
        finished(f"jobs.t{n}")
    finished(PRUNE_TASK)
    with django_assert_num_queries(2):  # token lookup + periodic jobs (one query)
        jobs = jobs_of(client)
    assert len(jobs) == 13  # the ten above and the three configured prune jobs


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (timedelta(days=1), "every 1 day"),
        (timedelta(hours=6), "every 6 hours"),
        (30, "every 30 seconds"),
        (2.5, "every 2.5 seconds"),
        (crontab(minute="30", hour="3"), "crontab 30 3 * * *"),
    ],
)
def test_configured_schedules_are_described(schedule, text):
    from config.status import _describe_setting

    assert _describe_setting(schedule) == text


def test_an_interval_row_reads_like_the_setting(as_viewer):
    daily = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    PeriodicTask.objects.create(name="extra", task="jobs.extra", interval=daily)
    assert jobs_of(as_viewer)["extra"]["schedule"] == "every 1 day"


def test_the_idempotency_prune_job_is_scheduled_and_shown(as_viewer):
    assert settings.CELERY_BEAT_SCHEDULE["idempotency-prune"]["task"] == "core.idempotency_prune"
    job = jobs_of(as_viewer)["idempotency-prune"]
    assert (job["task"], job["schedule"]) == ("core.idempotency_prune", "every 1 hour")
