"""The API's edges, as integrators meet them: unknown paths and methods, oversized bodies,
OPTIONS, bad pages, unknown query parameters, statuses of stock operations, how decimals are
written, and what the OpenAPI schema tells them."""

import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import path
from rest_framework.views import APIView

from config.core.api_fields import plain_decimal_pattern
from inventory.models import Part
from tests.factories import make_resistor_type
from tests.inventory.stock_helpers import location, part, receive
from tests.openapi_validation import served_schema

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "code", "errors"}


def is_error(response, status: int, code: str | None = None) -> bool:
    body = response.json()
    assert response.status_code == status, body
    assert response["Content-Type"].startswith("application/json")
    assert {"detail", "code"} <= set(body) <= ERROR_KEYS, body
    return code is None or body["code"] == code


# --- every answer under the API's paths is JSON in the error shape, DEBUG or not -----------


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/", "/api/v1/nothing-here", "/auth/", "/auth/x", "/server/x"]
)
def test_unknown_api_paths_are_json_404_with_debug_on(as_viewer, url):
    assert is_error(as_viewer.get(url), 404, "not_found")


class BrokenView(APIView):
    public_actions = ("get",)
    authentication_classes: list = []

    def get(self, request):
        raise RuntimeError("secret internals")


urlpatterns = [path("api/v1/broken", BrokenView.as_view())]


@override_settings(ROOT_URLCONF=__name__, DEBUG=True)
def test_a_server_error_with_debug_on_is_json_and_leaks_nothing():
    response = Client(raise_request_exception=False).get("/api/v1/broken")
    assert is_error(response, 500, "server_error")
    assert b"secret internals" not in response.content


# --- bodies over the limit ---------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_a_body_over_the_size_limit_is_413_in_the_error_shape(as_clerk, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"ipn": "RES-1", "location": "A1", "quantity": 1, "comment": "x" * 2000})
    response = as_clerk.post("/api/v1/stock/add", body, content_type="application/json")
    assert is_error(response, 413, "too_large")
    assert "1,000 bytes" in response.json()["detail"]


def test_the_size_limit_holds_on_public_endpoints_too(anon, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"username": "x" * 200, "password": "y"})
    response = anon.post("/auth/login", body, content_type="application/json")
    assert is_error(response, 413, "too_large")


def test_more_query_parameters_than_django_reads_is_a_json_400(as_viewer):
    query = "&".join(f"p{n}=1" for n in range(1100))
    assert is_error(as_viewer.get(f"/api/v1/stock?{query}"), 400, "bad_request")


# --- OPTIONS -------------------------------------------------------------------------------


def concrete(template: str) -> str:
    # OPTIONS looks nothing up, so any value fits each placeholder.
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m[1].endswith("id") else "x", template)


@pytest.mark.parametrize("template", sorted(served_schema()["paths"]))
def test_options_answers_every_api_path_with_its_methods_even_with_a_body(as_admin, template):
    response = as_admin.options(concrete(template), {"a": 1}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    allowed = {method.strip() for method in response["Allow"].split(",")}
    assert set(body) == {"methods", "schema"}
    assert set(body["methods"]) == allowed
    documented = {method.upper() for method in served_schema()["paths"][template]}
    assert documented <= allowed
    assert body["schema"] == "/apidoc/openapi.json"


def test_options_needs_credentials_like_a_get(anon):
    assert is_error(anon.options("/api/v1/parts/resistor/R-1"), 401)


# --- pages and query parameters of every list --------------------------------------------


@pytest.fixture
def catalogue(db):
    resistor_type = make_resistor_type()
    shelf = location("A1")
    resistor = part("RES-1", part_type=resistor_type)
    receive(resistor, shelf, 5)
    return {"ptype": resistor_type.slug, "ipn": resistor.ipn, "location_id": shelf.pk}


def paged_lists() -> list[str]:
    """Every list of the schema: the GET operations that take ?page=."""
    return sorted(
        template
        for template, operations in served_schema()["paths"].items()
        if any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", ()))
    )


def test_the_schema_has_the_lists_we_expect():
    assert {
        "/api/v1/changelog",
        "/api/v1/stock",
        "/api/v1/stock/movements",
        "/api/v1/parts/{ptype}",
        "/api/v1/part_types",
        "/api/v1/users",
        "/api/v1/locations",
        "/api/v1/locations/{location_id}/stock",
        "/api/v1/lots",
        "/api/v1/parts/{ptype}/{ipn}/history",
        "/api/v1/reports/low-stock",
    } <= set(paged_lists())


@pytest.mark.parametrize("template", paged_lists())
@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=0", "page=-1", "page=1.5", "page=last", "page_size=0", "page_size=x"],
)
def test_a_page_that_is_no_page_number_is_400(as_admin, catalogue, template, query):
    response = as_admin.get(f"{template.format(**catalogue)}?{query}")
    assert is_error(response, 400, "invalid_page")
    assert set(response.json()["errors"]) == {query.split("=")[0]}


@pytest.mark.parametrize("template", paged_lists())
def test_a_page_past_the_last_is_404(as_admin, catalogue, template):
    assert is_error(as_admin.get(f"{template.format(**catalogue)}?page=999"), 404, "not_found")


@pytest.mark.parametrize("template", paged_lists())
def test_an_unknown_query_parameter_on_any_list_is_400_naming_the_allowed_ones(
    as_admin, catalogue, template
):
    response = as_admin.get(f"{template.format(**catalogue)}?bogus=1&page_size=5")
    assert is_error(response, 400, "unknown_parameter")
    body = response.json()
    assert set(body["errors"]) == {"bogus"}
    assert "page_size" in body["detail"]


@pytest.mark.parametrize("template", paged_lists())
def test_a_parameter_given_twice_on_any_list_is_400_not_read_as_its_last_value(
    as_admin, catalogue, template
):
    """No list parameter is an array: page_size=x&page_size= used to answer as if only the
    empty one had been given, dropping the first without a word."""
    response = as_admin.get(f"{template.format(**catalogue)}?page_size=x&page_size=")
    assert is_error(response, 400, "repeated_parameter")
    assert set(response.json()["errors"]) == {"page_size"}


@pytest.mark.parametrize("template", paged_lists())
def test_every_documented_query_parameter_of_a_list_is_accepted(as_admin, catalogue, template):
    operation = served_schema()["paths"][template]["get"]
    for parameter in operation["parameters"]:
        if parameter["in"] != "query":
            continue
        response = as_admin.get(template.format(**catalogue), {parameter["name"]: "1"})
        assert response.json().get("code") != "unknown_parameter", (parameter, response.json())


def test_a_misspelt_stock_filter_is_refused_not_ignored(as_viewer, catalogue):
    response = as_viewer.get("/api/v1/stock?part=RES-1")
    assert is_error(response, 400, "unknown_parameter")
    assert "ipn" in response.json()["errors"]["part"][0]
    assert as_viewer.get("/api/v1/stock?ipn=RES-1").json()["count"] == 1


def test_info_filters_are_the_parts_lists_own_parameters(as_viewer, catalogue):
    response = as_viewer.get("/api/v1/parts/resistor?info.package=0603")
    assert response.status_code == 200
    assert is_error(as_viewer.get("/api/v1/parts/resistor?infopackage=0603"), 400)


# --- stock operations: 201 when they wrote, 200 when there was nothing to write ---------


def test_a_stock_operation_that_writes_movements_is_201(as_clerk, catalogue):
    body = {"ipn": "RES-1", "location": "A1", "quantity": 3}
    response = as_clerk.post("/api/v1/stock/add", body, format="json")
    assert response.status_code == 201
    assert len(response.json()["movements"]) == 1


def test_a_count_that_matches_writes_nothing_and_is_200(as_clerk, catalogue):
    body = {"ipn": "RES-1", "location": "A1", "counted": 5}
    response = as_clerk.post("/api/v1/stock/adjust", body, format="json")
    assert response.status_code == 200
    assert response.json()["movements"] == []


def test_a_replay_answers_the_first_status(as_clerk, catalogue):
    body = {"ipn": "RES-1", "location": "A1", "quantity": 1}
    first = as_clerk.post("/api/v1/stock/remove", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    again = as_clerk.post("/api/v1/stock/remove", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"


def test_both_statuses_of_a_stock_operation_are_documented():
    responses = served_schema()["paths"]["/api/v1/stock/adjust"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
    assert "Nothing to write" in responses["200"]["description"]


# --- decimals: strings without padding zeros, everywhere --------------------------------


def test_quantities_are_written_without_padding_zeros(as_clerk, catalogue):
    added = as_clerk.post(
        "/api/v1/stock/add",
        {
            "ipn": "RES-1",
            "location": "A1",
            "quantity": "4000",
            "unit_price": "0.0125",
            "currency": "EUR",
        },
        format="json",
    ).json()
    assert added["movements"][0]["quantity"] == "4000"
    assert added["movements"][0]["unit_price"] == "0.0125"
    assert added["balances"][0]["quantity"] == "4005"
    listed = as_clerk.get("/api/v1/stock").json()
    assert listed["totals"] == {"on_hand": "4005"}
    part_stock = as_clerk.get("/api/v1/parts/resistor/RES-1/stock").json()
    assert part_stock["totals"]["on_hand"] == "4005"


def test_part_decimals_are_written_without_padding_zeros(as_manager, catalogue):
    Part.objects.filter(ipn="RES-1").update(unit_weight_g="0.25", low_stock_threshold=10)
    body = as_manager.get("/api/v1/parts/resistor/RES-1").json()
    assert (body["unit_weight_g"], body["low_stock_threshold"]) == ("0.25", "10")


def test_the_schema_documents_decimals_without_padding():
    schema = served_schema()
    quantity = schema["components"]["schemas"]["Movement"]["properties"]["quantity"]
    assert quantity["type"] == "string"
    assert quantity["pattern"] == plain_decimal_pattern(12, 6)
    assert "without padding zeros" in schema["info"]["description"]


# --- errors of nested fields are flat, named by their path -------------------------------


def test_errors_of_nested_fields_are_named_by_their_path(as_clerk, catalogue):
    body = {"ipn": "RES-1", "location": "A1", "quantity": 1, "new_lot": {"name": "!bad"}}
    response = as_clerk.post("/api/v1/stock/add", body, format="json")
    assert is_error(response, 400, "invalid")
    assert set(response.json()["errors"]) == {"new_lot.name"}


# --- the schema speaks to integrators ------------------------------------------------------

# Words of the code's insides, which docstrings use and integrators need not know.
INTERNALS = re.compile(
    r"\b(DRF|serializers?|subclass(es)?|querysets?|deep ?cop(y|ies)|docstrings?|"
    r"to_representation|prefetch|select_related|ORM)\b",
    re.IGNORECASE,
)


def _descriptions(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"description", "summary"} and isinstance(value, str):
                yield where, value
            else:
                yield from _descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _descriptions(item, f"{where}/{index}")


def test_no_description_in_the_schema_talks_about_the_code():
    leaks = [
        (where, text) for where, text in _descriptions(served_schema()) if INTERNALS.search(text)
    ]
    assert leaks == []


def test_operations_are_not_described_by_view_docstrings():
    from inventory.stock.api.views import StockOperationView

    described = served_schema()["paths"]["/api/v1/stock/add"]["post"].get("description", "")
    assert StockOperationView.__doc__.split(";")[0] not in described
    assert "Idempotency-Key" in described


# --- what the schema documents is what is accepted (schemathesis checks it too) ----------


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/locations", {"name": "Shelf", "code": "S1", "is_full": 0}, "is_full"),
        ("/api/v1/lots", {"name": "L1", "tags": ["ok", 0]}, "tags.1"),
        ("/api/v1/lots", {"name": 12}, "name"),
        ("/api/v1/parts/batch", {"keys": [{"ptype": "resistor", "ipn": 0}]}, "keys.0.ipn"),
        ("/api/v1/stock/add", {"ipn": "RES-1", "location": "A1", "quantity": 1.5}, "quantity"),
        ("/api/v1/stock/add", {"ipn": "RES-1", "location": "A1", "quantity": True}, "quantity"),
    ],
)
def test_a_value_of_another_json_type_than_documented_is_refused(
    as_admin, catalogue, url, body, field
):
    response = as_admin.post(url, body, format="json")
    assert is_error(response, 400, "invalid")
    assert field in response.json()["errors"]


# "٣": a digit to Python's \d (and Decimal reads it as 3), not to the schema's [0-9].
@pytest.mark.parametrize("value", ["", " 1", "1e3", "0.1234567", "-1", "٣"])
def test_part_decimals_are_read_as_documented_plain_decimals(as_manager, catalogue, value):
    response = as_manager.put(
        "/api/v1/parts/resistor/RES-1", {"unit_weight_g": value}, format="json"
    )
    assert is_error(response, 400, "invalid")
    assert set(response.json()["errors"]) == {"unit_weight_g"}


def test_part_decimals_take_a_whole_json_number_too(as_manager, catalogue):
    response = as_manager.put("/api/v1/parts/resistor/RES-1", {"unit_weight_g": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["unit_weight_g"] == "2"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/stock?include_empty=null",
        "/api/v1/users?is_active=maybe",
        "/api/v1/locations/{location_id}/stock?recursive=1",
        "/api/v1/locations?parent=%C2%B2",
        "/api/v1/parts/search/X?limit=%C2%B2",
        "/api/v1/stock/movements?since=1_000",
        "/api/v1/stock/movements?until=0001-01-01T00:00:00%2B14:00",
    ],
)
def test_query_values_the_schema_does_not_allow_are_refused(as_admin, catalogue, url):
    assert is_error(as_admin.get(url.format(**catalogue)), 400)


def test_an_empty_query_parameter_is_one_not_given(as_admin, catalogue):
    given = as_admin.get("/api/v1/stock?page=&page_size=&ipn=&include_empty=&status=")
    assert given.status_code == 200
    assert given.json() == as_admin.get("/api/v1/stock").json()
    assert as_admin.get("/api/v1/locations?parent=&archived=").status_code == 200
    since = as_admin.get("/api/v1/changelog/since/0?cursor=&limit=")
    assert since.status_code == 200
    for operations in served_schema()["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                assert parameter["in"] != "query" or parameter["allowEmptyValue"], parameter


def test_putting_a_location_with_no_body_changes_nothing(as_manager, catalogue):
    before = as_manager.get(f"/api/v1/locations/{catalogue['location_id']}").json()
    response = as_manager.put(f"/api/v1/locations/{catalogue['location_id']}")
    assert response.status_code == 200
    assert response.json() == before


@pytest.mark.django_db
def test_a_page_number_of_thousands_of_digits_is_a_400_not_a_500(as_viewer):
    response = as_viewer.get("/api/v1/locations?page=" + "9" * 5000)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page"
