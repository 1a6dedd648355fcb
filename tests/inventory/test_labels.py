"""QR labels: the images, the payload they hold, where a scanned label leads, the sheet."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from inventory.models import Lot
from inventory.stock import labels
from tests.factories import PartFactory, PartTypeFactory
from tests.inventory.stock_helpers import location, part

pytestmark = pytest.mark.django_db


@pytest.fixture
def resistor():
    return PartFactory(ipn="RES-00001", part_type=PartTypeFactory(slug="resistor"))


def test_the_urls_are_named():
    assert reverse("inventory:label-part", kwargs={"key": "R-1", "fmt": "png"}) == (
        "/labels/part/R-1.png"
    )
    assert reverse("inventory:label-location", kwargs={"key": "A1", "fmt": "svg"}) == (
        "/labels/location/A1.svg"
    )
    assert reverse("inventory:label-lot", kwargs={"key": "L1", "fmt": "svg"}) == (
        "/labels/lot/L1.svg"
    )
    assert reverse("inventory:label-sheet") == "/labels/sheet"
    assert reverse("inventory:scan-open", kwargs={"kind": "p", "key": "R-1"}) == "/s/p/R-1"


def test_the_payload_is_the_absolute_scan_url(resistor):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    assert labels.label_payload(request, resistor) == "http://testserver/s/p/RES-00001"
    assert labels.label_payload(request, location("A1-03")) == "http://testserver/s/l/A1-03"
    lot = Lot.objects.create(name="LOT-1")
    assert labels.label_payload(request, lot) == "http://testserver/s/t/LOT-1"


@pytest.mark.parametrize(
    ("kind", "key", "fmt", "content_type", "magic"),
    [
        ("part", "RES-00001", "png", "image/png", b"\x89PNG"),
        ("part", "RES-00001", "svg", "image/svg+xml", b"<?xml"),
        ("location", "A1", "png", "image/png", b"\x89PNG"),
        ("location", "A1", "svg", "image/svg+xml", b"<?xml"),
        ("lot", "LOT-1", "png", "image/png", b"\x89PNG"),
        ("lot", "LOT-1", "svg", "image/svg+xml", b"<?xml"),
    ],
)
def test_labels_are_png_or_svg(viewer_browser, resistor, kind, key, fmt, content_type, magic):
    location("A1")
    Lot.objects.create(name="LOT-1")
    response = viewer_browser.get(f"/labels/{kind}/{key}.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic) and len(response.content) > 100
    if fmt == "svg":
        # The SVG's title is the payload it encodes.
        letter = labels.LETTER_OF[kind]
        assert f"<title>http://testserver/s/{letter}/{key}</title>".encode() in response.content


def test_an_ipn_with_a_dot_still_gets_its_label(viewer_browser):
    part("RES.1")
    assert viewer_browser.get("/labels/part/RES.1.svg").status_code == 200


def test_an_unknown_key_or_format_is_404(viewer_browser):
    assert viewer_browser.get("/labels/part/NOPE.png").status_code == 404
    part("RES-1")
    assert viewer_browser.get("/labels/part/RES-1.gif").status_code == 404


def test_labels_need_a_login(client, resistor):
    response = client.get("/labels/part/RES-00001.png")
    assert response.status_code == 302


def test_a_scanned_part_label_opens_the_part_page(viewer_browser, resistor):
    response = viewer_browser.get("/s/p/RES-00001")
    assert response.status_code == 302
    assert response["Location"] == "/parts/resistor/RES-00001"


def test_a_scanned_location_and_lot_label_open_their_pages(viewer_browser):
    location("A1")
    Lot.objects.create(name="LOT-1")
    assert viewer_browser.get("/s/l/A1")["Location"] == "/locations/A1"
    assert viewer_browser.get("/s/t/LOT-1")["Location"] == "/lots/LOT-1"
    assert viewer_browser.get("/s/x/A1").status_code == 404
    assert viewer_browser.get("/s/l/NOPE").status_code == 404


def test_resolve_scan_reads_payloads_and_bare_keys(resistor):
    shelf = location("A1-03")
    lot = Lot.objects.create(name="LOT-9")
    assert labels.resolve_scan("https://wc.example/s/p/RES-00001") == labels.Scanned(
        "part", resistor
    )
    assert labels.resolve_scan("/s/l/A1-03") == labels.Scanned("location", shelf)
    assert labels.resolve_scan("  RES-00001\n").obj == resistor
    assert labels.resolve_scan("A1-03").obj == shelf
    assert labels.resolve_scan("LOT-9") == labels.Scanned("lot", lot)
    assert labels.resolve_scan("/s/t/LOT-9").obj == lot
    assert labels.resolve_scan("nothing") is None
    assert labels.resolve_scan("/s/p/") is None
    assert labels.resolve_scan("") is None


def test_the_label_sheet_lays_out_labels_with_text(viewer_browser, resistor):
    location("A1-03", name="Bin 3")
    html = viewer_browser.get(
        "/labels/sheet", {"parts": "RES-00001", "locations": "A1-03,NOPE", "copies": "2"}
    ).content.decode()
    assert "@media print" in html
    assert html.count('class="wc-label"') == 4
    assert html.count("<svg") == 4
    assert resistor.mpn in html and "Bin 3" in html
    assert "location NOPE" in html  # left out, and said so


def test_a_label_sheet_with_too_many_labels_is_refused(viewer_browser):
    response = viewer_browser.get("/labels/sheet", {"parts": "A", "copies": "51"})
    assert response.status_code == 422
