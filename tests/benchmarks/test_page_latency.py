"""Latency of the clerk UI's most opened pages on the seeded benchmark database, as a clerk's
browser gets them: full pages (not htmx fragments) through the real URL paths, signed in with a
session cookie, each request handed to Django's WSGI application (``WSGIHandler``, what
gunicorn calls: every middleware, the session and user lookups, the view, the templates, the
body read to its end and closed, which ends the request as a server does). No sockets.

Not through Django's test client: for tests it records every template rendered and copies
its context, a cost per template and include that no server pays (a third to a half of a
page's time here). The target is a median under 50 ms per page; the query count is recorded
without a target (tests/test_ui_pages.py pins each page's count). Measured here, optimised
elsewhere."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client, RequestFactory

from .conftest import measure

PAGE_MS = 50
RUNS, WARMUP = 50, 3  # pages are slower than API reads: fewer runs keep `make bench` short
TYPES = ["resistor", "capacitor", "connector", "regulator"]


@pytest.fixture(scope="module")
def clerk(django_db_setup):
    from accounts.models import Role, User

    user, _ = User.objects.get_or_create(username="bench-clerk", defaults={"role": Role.CLERK})
    return user


@dataclass
class Answer:
    status_code: int
    content: bytes


class Browser:
    """GET requests of a signed-in clerk, handed to the WSGI application as a server hands
    them: ``get(path, query)`` returns the status and the whole body."""

    def __init__(self, session_cookie: str):
        self.application = WSGIHandler()
        self.factory = RequestFactory(HTTP_COOKIE=session_cookie)

    def get(self, path: str, query: dict | None = None) -> Answer:
        environ = self.factory.get(path, query).environ
        statuses = []
        response = self.application(environ, lambda status, headers, *exc: statuses.append(status))
        try:
            body = b"".join(response)
        finally:
            response.close()  # as a WSGI server does: sends request_finished
        return Answer(int(statuses[0].split()[0]), body)


@pytest.fixture
def signed_in(clerk) -> Browser:
    client = Client()
    client.force_login(clerk)  # a real session row; its cookie is all the browser sends
    name = settings.SESSION_COOKIE_NAME
    return Browser(f"{name}={client.cookies[name].value}")


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
