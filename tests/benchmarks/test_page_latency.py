"""Latency of the clerk UI's most opened pages on the seeded benchmark database: full pages
(not htmx fragments) through the real URL paths, session authentication, views and templates
(Django's test client, signed in with a session; no sockets). The target is a median under
50 ms per page; the query count is recorded without a target. Measured here, optimised
elsewhere."""

import pytest
from django.test import Client

from .conftest import measure

PAGE_MS = 50
RUNS, WARMUP = 50, 3  # pages are slower than API reads: fewer runs keep `make bench` short
TYPES = ["resistor", "capacitor", "connector", "regulator"]


@pytest.fixture(scope="module")
def clerk(django_db_setup):
    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-clerk", defaults={"role": Role.CLERK})
    return user


@pytest.fixture
def signed_in(clerk) -> Client:
    client = Client()
    client.force_login(clerk)
    return client


def page(name: str, request) -> None:
    measure(name, request, runs=RUNS, warmup=WARMUP, target_ms=PAGE_MS, max_queries=None)


def test_home_page(signed_in):
    page("page: home /", lambda i: signed_in.get("/"))


def test_parts_list_page(signed_in):
    page("page: parts list /parts", lambda i: signed_in.get("/parts"))


def test_parts_list_of_one_type(signed_in):
    page(
        "page: parts list /parts?type=<type>",
        lambda i: signed_in.get("/parts", {"type": TYPES[i % len(TYPES)]}),
    )


def test_part_page(signed_in, sample):
    parts = sample.stocked
    page(
        "page: part /parts/<type>/<ipn>",
        lambda i: signed_in.get("/parts/{}/{}".format(*parts[i % len(parts)])),
    )


def test_location_page(signed_in, sample):
    codes = sample.location_codes
    page(
        "page: location (fullest bins)",
        lambda i: signed_in.get(f"/locations/{codes[i % len(codes)]}"),
    )


def test_changelog_page(signed_in):
    page("page: changelog /changelog", lambda i: signed_in.get("/changelog"))


def test_low_stock_page(signed_in):
    page("page: low stock /stock/low", lambda i: signed_in.get("/stock/low"))


def test_scanner_receive_page(signed_in):
    page("page: scanner /stock/receive", lambda i: signed_in.get("/stock/receive"))
