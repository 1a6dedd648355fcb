"""What the randomised attacks found, pinned: each request once failed with a server error or
left a row that broke a page. Plain examples, so they run every time, not when chance draws
them."""

import pytest

from inventory.models import Lot, StorageLocation

from .checks import Watch, judge
from .targets import ui_base
from .world import api_client, browser

pytestmark = pytest.mark.django_db


def test_a_quantity_filter_past_28_digits_is_read(world):
    response = browser(world.admin).get("/parts", {"type": "res", "info.resistance.max": "1E30"})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["1e30", "1e999999", 10**20])
def test_an_info_number_past_what_a_float_holds_is_refused(world, value):
    body = {"mpn": "X", "info": {"resistance": value}}
    with Watch() as watch:
        response = api_client(world.admin).post("/api/v1/parts/res", body, format="json")
    judge(response, watch, "huge info number")
    assert response.status_code == 400
    assert "info.resistance" in response.json()["errors"]


@pytest.mark.parametrize("name", ["</b>", "x" * 65, "LOT 7", "\u202elot"])
def test_a_scanner_refuses_a_new_lot_name_the_api_would_refuse(world, name):
    data = {"part": "RES-1", "location": "BIN-1", "quantity": "5", "lot": name, "scan": ""}
    with Watch() as watch:
        response = browser(world.clerk).post("/stock/receive", data)
    judge(response, watch, "lot name")
    assert response.status_code == 422
    assert not Lot.objects.filter(name=name).exists()


@pytest.mark.parametrize("code", ["A/B", "bin 7", "..", "\u202eBIN", "x" * 33])
def test_a_location_code_the_api_would_refuse_is_refused_in_the_ui(world, code):
    with Watch() as watch:
        response = browser(world.admin).post("/locations", {"name": "New", "code": code})
    judge(response, watch, "location code")
    assert response.status_code == 422
    assert not StorageLocation.objects.filter(code=code).exists()


def test_a_lot_named_with_a_slash_has_pages(world):
    api = api_client(world.admin)
    body = {"ipn": "RES-1", "location": "DRAWER", "quantity": "1", "new_lot": {"name": "24/03"}}
    assert api.post("/api/v1/stock/add", body, format="json").status_code == 201
    admin = browser(world.admin)
    for url in ("/locations/DRAWER", "/lots/24/03", "/labels/lot/24/03.svg", "/parts/res/RES-1"):
        assert admin.get(url).status_code == 200, url


@pytest.mark.parametrize("ref", ["9" * 5000, "²", "99999999999999999999"])
def test_a_part_type_reference_that_is_no_id_is_not_found(world, ref):
    response = api_client(world.admin).delete(f"/api/v1/part_types/{ref}")
    assert response.status_code == 404


@pytest.mark.parametrize("total", ["²", "9" * 5000])
def test_adding_an_info_key_row_to_a_tampered_form(world, total):
    data = {"slug": "caps", "name": "Caps", "info_keys-TOTAL_FORMS": total, "add_row": "1"}
    assert browser(world.admin).post("/part-types/new", data).status_code < 500


@pytest.mark.parametrize(
    "path", ["/parts/res/RES-1%00", "/locations/%00", "/api/v1/parts/res/%00", "/lots/LOT-1%00"]
)
def test_a_nul_in_a_path_is_not_found(world, path):
    # PostgreSQL refuses NUL in a query; SQLite would just find nothing.
    assert browser(world.admin).get(path).status_code == 404


@pytest.mark.parametrize("field", ["ipn", "location", "lot"])
def test_a_nul_in_a_key_of_a_stock_operation_is_refused(world, field):
    body = {"ipn": "RES-1", "location": "DRAWER", "quantity": "1", field: "RES\x00"}
    with Watch() as watch:
        response = api_client(world.admin).post("/api/v1/stock/add", body, format="json")
    judge(response, watch, "NUL in a key")
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["low_stock_threshold", "unit_weight_g"])
def test_a_negative_threshold_or_weight_in_the_part_form_is_refused(world, forms, field):
    path, body = ui_base(forms[("POST", "parts/<slug:ptype>/<str:ipn>/edit")])
    with Watch() as watch:
        response = browser(world.admin).post(path, {**body, field: "-1"})
    judge(response, watch, f"negative {field}")
    assert response.status_code == 422
    assert field in response.context["form"].errors


@pytest.mark.parametrize("initial", ["0", "2", "9"])
def test_a_part_type_form_sent_back_with_another_initial_count_keeps_its_keys(
    world, forms, initial
):
    path, body = ui_base(forms[("POST", "part-types/<slug:slug>/edit")])
    with Watch() as watch:
        response = browser(world.admin).post(path, {**body, "info_keys-INITIAL_FORMS": initial})
    judge(response, watch, f"INITIAL_FORMS={initial}")
    keys = world.resistors.info_keys.values_list("key", flat=True)
    assert sorted(keys) == ["package", "resistance", "series", "smd", "tolerance"]
