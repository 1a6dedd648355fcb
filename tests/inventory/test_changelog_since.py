"""GET /api/v1/changelog/since/{timestamp}: oldest first, with a cursor that never misses and
never repeats an entry, even while other transactions are writing the changelog."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from config.core import changelog
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.times import TIME_PATTERN, parse_time
from tests.conftest import bearer_client, make_user, token_for

SINCE = "/api/v1/changelog/since/"


def write(entity_key="R-0001", *, entity_type="part", action="create", at=None):
    with transaction.atomic():
        entry = changelog.record(
            actor=Actor.system("tests"),
            action=action,
            entity_type=entity_type,
            entity_key=entity_key,
        )
    if at is not None:
        ChangelogEntry.objects.filter(pk=entry.pk).update(at=at)
        entry.at = at
    return entry


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


@pytest.fixture
def reader(as_viewer):
    ChangelogEntry.objects.all().delete()
    return as_viewer


@pytest.fixture
def timeline(reader):
    """Entries an hour apart on 2026-01-01, 10:00 to 14:00 UTC."""
    return [write(f"R-{hour}", at=datetime(2026, 1, 1, hour, tzinfo=UTC)) for hour in range(10, 15)]


# Timestamps -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-01-01T12:00:00Z",
        "2026-01-01T12:00:00+00:00",
        "2026-01-01T13:00:00+01:00",
        "2026-01-01T12:00:00",  # naive means UTC
        "2026-01-01 12:00:00",
        "2026-01-01T12:00:00.000000Z",
        "1767268800",  # epoch seconds
        "1767268800.0",
        "1767268799.5",
    ],
)
def test_timestamp_forms_all_mean_the_same_moment(reader, timeline, timestamp):
    response = reader.get(SINCE + timestamp)
    assert ids(response) == [entry.id for entry in timeline[2:]]


def test_a_date_means_its_midnight_utc(reader, timeline):
    assert ids(reader.get(SINCE + "2026-01-01")) == [entry.id for entry in timeline]
    assert ids(reader.get(SINCE + "2026-01-02")) == []


@pytest.mark.parametrize(
    "timestamp", ["yesterday", "2026-13-01T00:00:00", "12:00", "1e9", "nan", "99999999999999999999"]
)
def test_a_bad_timestamp_is_400_in_the_error_shape(reader, timestamp):
    response = reader.get(SINCE + timestamp)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert "ISO 8601" in body["errors"]["timestamp"][0]


@pytest.mark.parametrize("timestamp", ["300349180755", "-62135596801", "-99999999999"])
def test_an_epoch_past_the_documented_digits_is_400_not_an_overflow(reader, timestamp):
    """At most 11 digits (10 when negative), as the schema's pattern says: 300349180755 is
    year 11487, which no datetime holds."""
    response = reader.get(SINCE + timestamp)
    assert response.status_code == 400
    assert "at most 11 digits" in response.json()["errors"]["timestamp"][0]


@settings(max_examples=300, deadline=None)
@given(st.from_regex(TIME_PATTERN, fullmatch=True))
def test_every_time_the_schema_admits_is_read(text):
    """What the OpenAPI pattern of since, until and the changelog's timestamp allows, the
    server reads (an API client generating values from the schema is never refused)."""
    assert parse_time(text).tzinfo is not None


def test_oldest_first_with_cursor_and_has_more(reader, timeline):
    first = reader.get(SINCE + "0?limit=2").json()
    assert [e["id"] for e in first["results"]] == [timeline[0].id, timeline[1].id]
    assert first["has_more"] is True
    assert isinstance(first["next_cursor"], str)
    second = reader.get(SINCE + f"0?limit=2&cursor={first['next_cursor']}").json()
    assert [e["id"] for e in second["results"]] == [timeline[2].id, timeline[3].id]
    third = reader.get(SINCE + f"0?limit=2&cursor={second['next_cursor']}").json()
    assert [e["id"] for e in third["results"]] == [timeline[4].id]
    assert third["has_more"] is False
    # Nothing new: the same cursor comes back, and a later entry is found from it.
    fourth = reader.get(SINCE + f"0?limit=2&cursor={third['next_cursor']}").json()
    assert fourth == {"results": [], "next_cursor": third["next_cursor"], "has_more": False}
    later = write("R-later")
    assert ids(reader.get(SINCE + f"0?cursor={fourth['next_cursor']}")) == [later.id]


def test_the_cursor_wins_over_the_timestamp(reader, timeline):
    cursor = reader.get(SINCE + "0?limit=1").json()["next_cursor"]
    response = reader.get(SINCE + f"2030-01-01T00:00:00Z?cursor={cursor}")
    assert ids(response) == [entry.id for entry in timeline[1:]]


def test_an_empty_answer_still_gives_a_cursor_that_misses_nothing(reader, timeline):
    body = reader.get(SINCE + "2030-01-01T00:00:00Z").json()
    assert body["results"] == [] and body["has_more"] is False
    new = write("R-new")
    assert ids(reader.get(SINCE + f"2030-01-01T00:00:00Z?cursor={body['next_cursor']}")) == [new.id]


# YzE6wrM: "c1:³", a digit to str.isdigit() that int() refuses.
@pytest.mark.parametrize("cursor", ["garbage", "MTIz", "YzE6LTE", "%00", "YzE6wrM"])
def test_a_bad_cursor_is_400(reader, cursor):
    response = reader.get(SINCE + f"0?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_limit_defaults_to_100_and_is_capped_at_1000(reader):
    ChangelogEntry.objects.bulk_create(
        ChangelogEntry(
            at=timezone.now(),
            actor_kind="system",
            actor_name="tests",
            action="create",
            entity_type="part",
            entity_key=f"R-{n}",
        )
        for n in range(1005)
    )
    default = reader.get(SINCE + "0").json()
    assert len(default["results"]) == 100 and default["has_more"] is True
    capped = reader.get(SINCE + "0?limit=5000").json()
    assert len(capped["results"]) == 1000 and capped["has_more"] is True
    rest = reader.get(SINCE + f"0?limit=5000&cursor={capped['next_cursor']}").json()
    assert len(rest["results"]) == 5 and rest["has_more"] is False


@pytest.mark.parametrize("limit", ["0", "-1", "ten"])
def test_a_bad_limit_is_400(reader, limit):
    response = reader.get(SINCE + f"0?limit={limit}")
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]


def test_filters_apply_to_the_stream(reader):
    part = write("R-1")
    write("SHELF-1", entity_type="location")
    deleted = write("R-1", action="delete")
    assert ids(reader.get(SINCE + "0?entity_type=part")) == [part.id, deleted.id]
    assert ids(reader.get(SINCE + "0?entity_type=part&action=delete")) == [deleted.id]
    assert ids(reader.get(SINCE + "0?entity_key=R-1&actor=tests")) == [part.id, deleted.id]
    assert ids(reader.get(SINCE + "0?actor=nobody")) == []
    assert reader.get(SINCE + "0?action=explode").status_code == 400


def test_entries_have_the_list_shape(reader):
    entry = write("R-1")
    listed = reader.get("/api/v1/changelog").json()["results"][0]
    assert reader.get(SINCE + "0").json()["results"] == [listed]
    assert listed["id"] == entry.id


def test_anonymous_is_401(anon, db):
    assert anon.get(SINCE + "0").status_code == 401


def test_query_count_is_constant(reader, django_assert_max_num_queries):
    for n in range(40):
        write(f"R-{n}")
    reader.get(SINCE + "0")  # the token's first use is recorded once
    with django_assert_max_num_queries(3):  # token + newest id + page
        first = reader.get(SINCE + "0?limit=1000").json()
    with django_assert_max_num_queries(2):  # token + page
        reader.get(SINCE + f"0?cursor={first['next_cursor']}")
    assert len(first["results"]) == 40


# Concurrency ------------------------------------------------------------------------------

WRITERS = 4
PER_WRITER = 20


@pytest.mark.django_db(transaction=True)
def test_a_poller_sees_every_entry_exactly_once_while_writers_commit(transactional_db):
    """Writers hold their transaction open after recording (so ids and commits could
    interleave); a poller following next_cursor must still see each entry once, in order."""
    client = bearer_client(token_for(make_user("poller", "viewer")))
    start = (timezone.now() - timedelta(seconds=5)).isoformat()
    written: list[int] = []
    written_lock = threading.Lock()
    errors: list[BaseException] = []
    done = threading.Event()

    def writer(number: int) -> None:
        try:
            for n in range(PER_WRITER):
                with transaction.atomic():
                    entry = changelog.record(
                        actor=Actor.system(f"writer-{number}"),
                        action="update",
                        entity_type="concurrency",
                        entity_key=f"{number}-{n}",
                    )
                    time.sleep(0.01 * (1 + (number * 7 + n) % 4))
                with written_lock:
                    written.append(entry.id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    seen: list[int] = []

    def poller() -> None:
        cursor = None
        try:
            while True:
                finished = done.is_set()  # read before polling: a final pass after the writers
                query = "?entity_type=concurrency&limit=7"
                if cursor:
                    query += f"&cursor={cursor}"
                response = client.get(SINCE + start + query)
                assert response.status_code == 200, response.content
                body = response.json()
                seen.extend(entry["id"] for entry in body["results"])
                cursor = body["next_cursor"]
                if finished and not body["has_more"]:
                    return
                if not body["results"]:
                    time.sleep(0.002)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    polling = threading.Thread(target=poller)
    polling.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    done.set()
    polling.join(timeout=120)

    assert not errors, errors
    assert len(written) == WRITERS * PER_WRITER
    assert len(seen) == len(set(seen)), "an entry was returned twice"
    assert seen == sorted(seen), "entries came out of order"
    assert set(seen) == set(written), f"missed: {sorted(set(written) - set(seen))}"
