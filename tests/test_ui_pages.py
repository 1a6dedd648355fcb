"""Pages every user meets: the home dashboard, the error pages (403, 404, 500) in the site's
layout, the favicon, and which stock actions a role is shown."""

import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from config import urls as project_urls
from config.core import changelog, errors
from config.core.actors import Actor
from inventory.models import Lot
from inventory.stock import labels
from tests.conftest import make_user
from tests.inventory.stock_helpers import location, part, receive

STOCK_ACTION_URLS = ("/stock/receive", "/stock/pick", "/stock/move", "/stock/count")


def _fails(request):
    raise RuntimeError("a bug")


def _denied(request):
    raise PermissionDenied


# This module doubles as a URLconf (@pytest.mark.urls below): the project's URLs plus views
# that fail, with the project's error handlers.
urlpatterns = [
    path("boom", _fails),
    path("api/v1/boom", _fails),
    path("not-yours", _denied),
    path("api/v1/not-yours", _denied),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def signed_in(client, username: str, role: str):
    client.force_login(make_user(username, role))
    return client


def assert_site_layout(html: str) -> None:
    assert 'class="navbar-brand' in html and ">Warecache" in html
    assert "/static/css/warecache.css" in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


# The home dashboard -------------------------------------------------------------------------


def test_home_is_the_dashboard_with_scan_box_low_stock_activity_and_container_slot(
    viewer_browser,
):
    low = part("RES-00001", low_stock_threshold=Decimal(10))
    receive(low, location("A1-03"), 4)

    response = viewer_browser.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Home · Warecache</title>" in html
    assert 'name="scan"' in html and 'action="/"' in html
    assert 'id="low-stock-title">Low stock<' in html
    assert ">1</p>" in html and "part under its threshold" in html
    assert 'href="/stock/low"' in html
    assert 'id="containers-offline"' in html
    # The receive above is the latest changelog entry, a line of the recent activity.
    assert "Recent activity" in html and "stock_operation" in html
    assert 'href="/changelog"' in html


def test_a_scanned_ipn_location_code_or_lot_name_opens_its_page(viewer_browser):
    resistor, shelf = part("RES-00001"), location("A1-03")
    receive(resistor, shelf, 5, new_lot={"name": "LOT-7"})
    lot = Lot.objects.get(name="LOT-7")

    for scanned, page in [
        ("RES-00001", labels.part_url(resistor)),
        ("a1-03", "/locations/A1-03"),  # codes are found whatever their case
        ("LOT-7", f"/lots/{lot.name}"),
        ("https://stock.example/s/l/A1-03", "/locations/A1-03"),  # a label's QR payload
    ]:
        response = viewer_browser.get("/", {"scan": f"  {scanned} "})
        assert response.status_code == 302, scanned
        assert response["Location"] == page, scanned
        assert viewer_browser.get(page).status_code == 200, page


@pytest.mark.parametrize(
    ("scanned", "message"),
    [
        ("NOPE-404", "Nothing is known by “NOPE-404”"),
        ("", "Scan a label or type what to open."),
        ("x" * 501, "at most 500 characters"),
        ("bad\x00byte", "Null characters are not allowed."),
        ("/s/q/whatever", "Nothing is known by"),
    ],
)
def test_a_scan_that_names_nothing_is_refused_in_place(viewer_browser, scanned, message):
    response = viewer_browser.get("/", {"scan": scanned})

    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "is-invalid" in html
    assert "Recent activity" in html  # still the dashboard


def test_the_scanned_text_is_escaped_in_the_refusal(viewer_browser):
    html = viewer_browser.get("/", {"scan": "<script>x</script>"}).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_home_costs_the_same_queries_with_one_or_many_entries_and_low_parts(viewer_browser):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert viewer_browser.get("/").status_code == 200
        return len(captured)

    shelf = location("A1")
    receive(part("RES-00000", low_stock_threshold=Decimal(5)), shelf, 1)
    few = count_queries()
    for n in range(1, 30):
        receive(part(f"RES-{n:05}", low_stock_threshold=Decimal(5)), shelf, 1)
    with transaction.atomic():
        for n in range(20):
            changelog.record(
                actor=Actor.system("tests"),
                action=changelog.Action.UPDATE,
                entity_type="part",
                entity_key=f"RES-{n:05}",
                changes={"description": ["", f"text {n}"], "mpn": ["A", "B"]},
            )
    many = count_queries()
    # session + user + low-stock count + recent entries
    assert few == many <= 4


def test_home_is_get_only(clerk_browser):
    assert clerk_browser.post("/").status_code == 405


# Stock actions by role ---------------------------------------------------------------------


def test_a_viewer_is_shown_no_stock_actions(viewer_browser):
    resistor = part("RES-00001")
    receive(resistor, location("A1-03"), 5)
    home = viewer_browser.get("/").content.decode()
    part_page_url = viewer_browser.get("/", {"scan": "RES-00001"})["Location"]
    part_page = viewer_browser.get(part_page_url).content.decode()
    location_page = viewer_browser.get("/locations/A1-03").content.decode()

    for html in (home, part_page, location_page):
        for url in STOCK_ACTION_URLS:
            assert f'href="{url}' not in html, url
    assert 'href="/stock/low"' in home  # reports stay
    assert "/locations/A1-03/edit" not in location_page
    assert ">Edit</a>" not in part_page


def test_a_clerk_is_shown_the_stock_actions(clerk_browser):
    resistor = part("RES-00001")
    receive(resistor, location("A1-03"), 5)
    home = clerk_browser.get("/").content.decode()
    part_page = clerk_browser.get(clerk_browser.get("/", {"scan": "RES-00001"})["Location"])

    for url in STOCK_ACTION_URLS:
        assert f'href="{url}"' in home, url  # dashboard buttons and the navigation
    html = part_page.content.decode()
    assert 'href="/stock/receive?part=RES-00001"' in html
    assert 'href="/stock/pick?part=RES-00001"' in html


# Error pages --------------------------------------------------------------------------------


def test_404_is_in_the_site_layout_with_the_user_menu(viewer_browser):
    response = viewer_browser.get("/no-such-page")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "/no-such-page" in html
    assert_site_layout(html)
    # The viewer_browser fixture's viewer, named in the user menu.
    assert re.search(r"navbar-text[^>]*>\s*vera\s*<span", html) and "Log out" in html


def test_404_of_the_api_stays_json(viewer_browser):
    response = viewer_browser.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_403_is_in_the_site_layout_and_names_the_role(viewer_browser):
    location("A1-03")

    response = viewer_browser.get("/locations/A1-03/edit")  # managers only

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your role does not allow this" in html
    assert "a viewer" in html
    assert_site_layout(html)


def test_a_viewer_posting_a_stock_step_gets_the_403_page(viewer_browser):
    response = viewer_browser.post("/stock/receive", {"scan": "RES-00001"})
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()


@pytest.mark.urls("tests.test_ui_pages")
def test_403_outside_the_api_is_html_and_inside_it_is_json(viewer_browser):
    page = viewer_browser.get("/not-yours")
    assert page.status_code == 403
    assert "Your role does not allow this" in page.content.decode()

    api = viewer_browser.get("/api/v1/not-yours")
    assert api.status_code == 403
    assert api.json()["code"] == "permission_denied"


@pytest.mark.urls("tests.test_ui_pages")
def test_500_is_in_the_site_layout_without_the_user_menu(viewer_browser):
    viewer_browser.raise_request_exception = False

    response = viewer_browser.get("/boom")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert_site_layout(html)
    # Rendered without the request: it knows no user, so it offers no user menu either.
    assert "navbar-text" not in html and "Log out" not in html and "Log in" not in html


@pytest.mark.urls("tests.test_ui_pages")
def test_500_of_the_api_stays_json(viewer_browser):
    viewer_browser.raise_request_exception = False
    response = viewer_browser.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_500_renders_without_database_request_or_context():
    # No db fixture: any query here fails the test.
    assert "Something went wrong" in get_template("500.html").render()
    response = errors.handler500(RequestFactory().get("/anything"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_500_falls_back_to_plain_html_when_its_template_fails(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)

    response = errors.handler500(RequestFactory().get("/anything"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "could not be rendered" in caplog.text


# Favicon ---------------------------------------------------------------------------------


def test_the_favicon_exists_as_svg_and_ico():
    svg, ico = finders.find("favicon.svg"), finders.find("favicon.ico")
    assert svg and ico
    with open(svg, encoding="utf-8") as icon:
        assert icon.read().lstrip().startswith("<svg")
    with open(ico, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # the ICO header


def test_pages_link_the_favicon(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.ico" sizes="any">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
