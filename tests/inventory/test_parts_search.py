"""Finding parts: list filters and ordering, MPN search, batch lookup, CSV/JSON export, and
what each read endpoint costs in queries."""

import csv
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.core.actors import Actor
from config.core.api_fields import NOT_BLANK
from inventory.catalogue import queries, services
from inventory.catalogue.queries import info_filters
from tests.factories import make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
# Every API request spends two queries on its token (lookup + last-used stamp).
AUTH = 2


@pytest.fixture
def resistors():
    return make_resistor_type()


def add(part_type, **fields):
    return services.part_create(actor=SYSTEM, part_type=part_type, **fields)


def ipns(response):
    assert response.status_code == 200, response.json()
    return ipns_of(response.json())


def ipns_of(page):
    return [part["ipn"] for part in page["results"]]


@pytest.fixture
def assortment(resistors):
    add(resistors, ipn="R-10K-A", info={"resistance": "10k", "package": "0603"}, tags=["smd"])
    add(resistors, ipn="R-10K-B", info={"resistance": "10 kΩ", "package": "0805"})
    add(resistors, ipn="R-10K-C", info={"resistance": "10000 ohm", "smd": True}, archived=True)
    add(resistors, ipn="R-2K2", info={"resistance": "2k2"}, manufacturer="Vishay")
    add(resistors, ipn="R-100K", info={"resistance": "100k"}, tags=["smd", "precision"])
    add(resistors, ipn="R-4R7", info={"resistance": "4R7"}, description="Shunt")


# --- list filters -----------------------------------------------------------------------------


def test_list_is_paginated_and_ordered_by_ipn(as_viewer, assortment):
    response = as_viewer.get("/api/v1/parts/resistor?page_size=2&archived=all")
    body = response.json()
    assert body["count"] == 6
    assert [p["ipn"] for p in body["results"]] == ["R-100K", "R-10K-A"]
    assert body["next"].endswith("page=2&page_size=2")


@pytest.mark.parametrize("probe", [False, True])
def test_list_and_batch_show_each_parts_own_tags_sorted(as_viewer, assortment, monkeypatch, probe):
    monkeypatch.setattr(info_filters, "probing_is_cheaper", lambda count, rows_wanted: probe)
    expected = {"R-100K": ["precision", "smd"], "R-10K-A": ["smd"], "R-10K-B": [], "R-2K2": []}
    listed = as_viewer.get("/api/v1/parts/resistor?info.resistance.min=1k").json()["results"]
    assert {part["ipn"]: part["tags"] for part in listed if part["ipn"] in expected} == expected
    keys = [{"ptype": "resistor", "ipn": ipn} for ipn in expected]
    found = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json").json()
    assert {part["ipn"]: part["tags"] for part in found["results"]} == expected


def test_equal_quantities_written_differently_are_found_together(as_viewer, assortment):
    response = as_viewer.get("/api/v1/parts/resistor?info.resistance=10k&archived=all")
    assert ipns(response) == ["R-10K-A", "R-10K-B", "R-10K-C"]


def test_range_filter_with_units_and_numeric_ordering(as_viewer, assortment):
    url = "/api/v1/parts/resistor?info.resistance.min=1k&info.resistance.max=20k&archived=all"
    response = as_viewer.get(url + "&ordering=info.resistance")
    assert ipns(response) == ["R-2K2", "R-10K-A", "R-10K-B", "R-10K-C"]
    descending = as_viewer.get(url + "&ordering=-info.resistance,-ipn")
    assert ipns(descending) == ["R-10K-C", "R-10K-B", "R-10K-A", "R-2K2"]


def test_ordering_by_info_sorts_numerically_not_as_text(as_viewer, assortment):
    response = as_viewer.get("/api/v1/parts/resistor?ordering=info.resistance&archived=all")
    assert ipns(response) == ["R-4R7", "R-2K2", "R-10K-A", "R-10K-B", "R-10K-C", "R-100K"]


def test_parts_without_the_sorted_value_come_last(as_viewer, assortment):
    response = as_viewer.get("/api/v1/parts/resistor?ordering=info.package")
    assert ipns(response)[:2] == ["R-10K-A", "R-10K-B"]


def test_choice_and_boolean_filters(as_viewer, assortment):
    assert ipns(as_viewer.get("/api/v1/parts/resistor?info.package=0805")) == ["R-10K-B"]
    both = "/api/v1/parts/resistor?info.package=0603&info.package=0805"
    assert ipns(as_viewer.get(both)) == ["R-10K-A", "R-10K-B"]
    assert ipns(as_viewer.get("/api/v1/parts/resistor?info.smd=yes&archived=all")) == ["R-10K-C"]


def test_search_tags_manufacturer_and_archived_filters(as_viewer, assortment):
    assert ipns(as_viewer.get("/api/v1/parts/resistor?search=shunt")) == ["R-4R7"]
    assert ipns(as_viewer.get("/api/v1/parts/resistor?tags=smd,precision")) == ["R-100K"]
    assert ipns(as_viewer.get("/api/v1/parts/resistor?manufacturer=VISHAY")) == ["R-2K2"]
    assert ipns(as_viewer.get("/api/v1/parts/resistor?archived=true")) == ["R-10K-C"]
    assert len(ipns(as_viewer.get("/api/v1/parts/resistor?archived=false"))) == 5


def test_archived_parts_are_listed_only_when_asked_for(as_viewer, assortment):
    # The UI's parts list has the same default (test_parts_ui): one query reads both.
    listed = as_viewer.get("/api/v1/parts/resistor").json()
    assert listed["count"] == 5 and "R-10K-C" not in ipns_of(listed)
    assert ipns(as_viewer.get("/api/v1/parts/resistor?archived=all")) == [
        "R-100K", "R-10K-A", "R-10K-B", "R-10K-C", "R-2K2", "R-4R7"
    ]  # fmt: skip
    # Counted from the info values alone, archived parts are still left out or kept.
    assert ipns(as_viewer.get("/api/v1/parts/resistor?info.resistance=10k")) == [
        "R-10K-A", "R-10K-B"
    ]  # fmt: skip
    assert ipns(as_viewer.get("/api/v1/parts/resistor?info.resistance=10k&archived=true")) == [
        "R-10K-C"
    ]
    csv_text = b"".join(as_viewer.get("/api/v1/parts/resistor?format=csv").streaming_content)
    assert b"R-10K-C" not in csv_text and b"R-10K-A" in csv_text


@pytest.mark.parametrize("value", ["maybe", "only", "TRUE", ""])
def test_an_archived_value_that_is_not_a_choice_is_400(as_viewer, assortment, value):
    response = as_viewer.get(f"/api/v1/parts/resistor?archived={value}")
    if value == "":  # left empty: the default
        assert ipns(response) == ipns(as_viewer.get("/api/v1/parts/resistor"))
        return
    assert response.status_code == 400
    assert "archived" in response.json()["errors"]


INFO_FILTER_QUERIES = [
    "info.resistance.min=1k",
    "info.resistance.min=1k&info.resistance.max=20k",
    "info.resistance=10k&info.resistance=2k2",
    "info.resistance.min=1k&info.package=0603",
    "info.package=0603&info.package=0805&info.resistance.max=10k",
    "info.smd=yes",
    "info.resistance.min=1M",
    # repeated values: SQL's IN drops a repeated text, OR keeps a repeated number
    "info.package=0603&info.package=0603&info.resistance=10k&info.resistance=10k",
]


@pytest.mark.parametrize(
    "query", [*INFO_FILTER_QUERIES, "info.resistance.min=1k&ordering=-info.resistance"]
)
def test_info_filtered_count_is_the_number_of_parts_listed(as_viewer, assortment, query):
    # Counted from the info values alone when nothing else narrows the list: a part of
    # another type, and a value of another key, are not counted.
    other = services.part_type_create(
        actor=SYSTEM,
        slug="resistor-array",
        name="Resistor arrays",
        info_keys=[{"key": "resistance", "kind": "quantity", "unit": "ohm"}],
    )
    add(other, ipn="RA-10K", info={"resistance": "10k"})
    listed = as_viewer.get(f"/api/v1/parts/resistor?{query}&page_size=100").json()
    assert listed["count"] == len(listed["results"])
    one = as_viewer.get(f"/api/v1/parts/resistor?{query}&page_size=1&page=1").json()
    assert one["count"] == listed["count"]
    narrowed = as_viewer.get(f"/api/v1/parts/resistor?{query}&archived=false").json()
    assert narrowed["count"] == len([p for p in listed["results"] if not p["archived"]])


@pytest.mark.parametrize("archived", ["", "&archived=all"], ids=["active", "all"])
@pytest.mark.parametrize("probing", [False, True], ids=["id-set plan", "probing plan"])
@pytest.mark.parametrize("query", INFO_FILTER_QUERIES)
def test_both_plans_for_info_filters_list_the_same_pages(
    as_viewer, assortment, monkeypatch, query, probing, archived
):
    # Which plan reads a page depends on how many parts match (queries.probing_is_cheaper);
    # force each one and compare with the parts the filter describes, page by page.
    monkeypatch.setattr(info_filters, "_PROBE_COST_RATIO", 1e9 if probing else 0)
    every = ipns(as_viewer.get(f"/api/v1/parts/resistor?{query}&page_size=100&archived=false"))
    if archived:
        every += ipns(as_viewer.get(f"/api/v1/parts/resistor?{query}&page_size=100&archived=true"))
    pages = []
    for page in (1, 2, 3):
        url = f"/api/v1/parts/resistor?{query}{archived}&page_size=2&page={page}"
        response = as_viewer.get(url)
        if response.status_code == 404:  # past the last page
            break
        assert response.json()["count"] == len(every)
        pages += ipns(response)
    assert pages == sorted(every)


def test_probing_is_chosen_only_when_even_an_overestimated_walk_is_short():
    wide = queries.InfoCount(matches=11_000, parts_bound=100_000)
    assert queries.probing_is_cheaper(wide, rows_wanted=100)  # walks ~900 parts
    assert not queries.probing_is_cheaper(wide, rows_wanted=5_000)  # deep page: ~45,000
    narrow = queries.InfoCount(matches=230, parts_bound=100_000)
    assert not queries.probing_is_cheaper(narrow, rows_wanted=100)
    assert not queries.probing_is_cheaper(queries.InfoCount(0, 100_000), rows_wanted=100)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("info.colour=red", "info.colour"),
        ("info.resistance=10 V", "info.resistance"),
        ("info.resistance.between=1", "info.resistance.between"),
        ("info.package.min=1", "info.package.min"),
        ("info.smd=perhaps", "info.smd"),
        ("ordering=info.colour", "ordering"),
        ("ordering=password", "ordering"),
        ("format=xml", "format"),
    ],
)
def test_invalid_filters_are_400_with_the_parameter_named(as_viewer, assortment, query, field):
    response = as_viewer.get(f"/api/v1/parts/resistor?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_list_of_an_unknown_type_is_404(as_viewer):
    assert as_viewer.get("/api/v1/parts/nope").status_code == 404


# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=-3", "page"), ("page_size=abc", "page_size"), ("colour=red", None)],
)
def test_a_download_refuses_what_the_list_refuses(as_viewer, assortment, query, field):
    """Found by schemathesis: ``?format=csv`` skipped the list's paging, and with it the
    check of its parameters, so ``page=-3`` or a misspelt filter exported everything."""
    response = as_viewer.get(f"/api/v1/parts/resistor?format=csv&{query}")
    assert response.status_code == 400
    body = response.json()
    if field:
        assert body["code"] == "invalid_page" and field in body["errors"]
    else:
        assert "colour" in body["detail"]


def test_csv_export_streams_every_matching_part(as_viewer, assortment):
    response = as_viewer.get(
        "/api/v1/parts/resistor?format=csv&page_size=1&info.resistance.max=20k&archived=false"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="resistor-parts.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["ipn"] for row in rows] == ["R-10K-A", "R-10K-B", "R-2K2", "R-4R7"]
    first = rows[0]
    assert first["info.resistance"] == "10000"
    assert first["info.package"] == "0603"
    assert first["info.smd"] == ""
    assert first["tags"] == "smd"
    assert first["archived"] == "false"
    assert rows[3]["info.resistance"] == "4.7"


def test_json_export_is_an_array_of_parts_not_a_page(as_viewer, assortment):
    response = as_viewer.get(
        "/api/v1/parts/resistor?format=json&ordering=-ipn&page_size=1&archived=all"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    parts = json.loads(b"".join(response.streaming_content))
    assert len(parts) == 6
    assert parts[0]["ipn"] == "R-4R7"
    assert parts[0]["info_display"] == {"resistance": "4.7 Ω"}
    detail = as_viewer.get("/api/v1/parts/resistor/R-4R7").json()
    assert parts[0] == detail


def test_export_of_nothing_is_a_header_or_an_empty_array(as_viewer, resistors):
    text = b"".join(as_viewer.get("/api/v1/parts/resistor?format=csv").streaming_content)
    assert text.decode().splitlines()[0].startswith("ipn,mpn,manufacturer")
    empty = b"".join(as_viewer.get("/api/v1/parts/resistor?format=json").streaming_content)
    assert json.loads(empty) == []


# --- MPN search -------------------------------------------------------------------------------


def test_mpn_search_ranks_exact_then_prefix_then_contains_across_types(as_viewer, resistors):
    capacitors = services.part_type_create(actor=SYSTEM, slug="capacitor", name="Caps")
    add(resistors, ipn="R-1", mpn="XRC0603-10K", info={"resistance": 1})
    add(capacitors, ipn="C-1", mpn="RC0603FR-10K")
    add(resistors, ipn="R-2", mpn="rc0603", info={"resistance": 1})
    add(resistors, ipn="R-3", mpn="LM358", info={"resistance": 1})
    response = as_viewer.get("/api/v1/parts/search/RC-0603")
    assert response.status_code == 200
    body = response.json()
    assert [(p["ipn"], p["match"]) for p in body["results"]] == [
        ("R-2", "exact"),
        ("C-1", "prefix"),
        ("R-1", "contains"),
    ]
    assert body["truncated"] is False
    assert body["results"][1]["part_type"] == "capacitor"


def test_mpn_search_ignores_case_and_punctuation(as_viewer, resistors):
    add(resistors, ipn="R-1", mpn="GRM188R71H104KA93D", info={"resistance": 1})
    response = as_viewer.get("/api/v1/parts/search/grm188r71h-104ka93d")
    assert [(p["ipn"], p["match"]) for p in response.json()["results"]] == [("R-1", "exact")]


def test_mpn_search_accepts_slashes_in_the_mpn(as_viewer, resistors):
    add(resistors, ipn="R-1", mpn="LM358/NOPB", info={"resistance": 1})
    assert ipns(as_viewer.get("/api/v1/parts/search/LM358/NOPB")) == ["R-1"]


def test_mpn_search_is_bounded_and_says_when_it_cut(as_viewer, resistors):
    rows = [{"mpn": f"ABC{n:03d}", "info": {"resistance": 1}} for n in range(12)]
    services.parts_create_many(actor=SYSTEM, part_type=resistors, rows=rows)
    body = as_viewer.get("/api/v1/parts/search/ABC?limit=5").json()
    assert len(body["results"]) == 5
    assert body["truncated"] is True
    assert as_viewer.get("/api/v1/parts/search/ABC?limit=0").status_code == 400


def test_mpn_search_without_letters_or_digits_is_400(as_viewer):
    assert as_viewer.get("/api/v1/parts/search/---").status_code == 400


def test_prefix_bound_covers_the_last_letter(resistors):
    from inventory.catalogue.queries.mpn import _prefix_upper_bound

    assert _prefix_upper_bound("AB9") == "ABA"
    assert _prefix_upper_bound("ABZ") == "AC"
    assert _prefix_upper_bound("ZZ") is None


# --- batch ------------------------------------------------------------------------------------


def test_batch_returns_found_parts_in_order_and_lists_the_missing(as_viewer, assortment):
    keys = [
        {"ptype": "resistor", "ipn": "R-2K2"},
        {"ptype": "capacitor", "ipn": "R-10K-A"},
        {"ptype": "resistor", "ipn": "R-NONE"},
        {"ptype": "resistor", "ipn": "R-4R7"},
        {"ptype": "resistor", "ipn": "R-2K2"},
    ]
    response = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [p["ipn"] for p in body["results"]] == ["R-2K2", "R-4R7"]
    assert body["missing"] == [keys[1], keys[2]]


def test_batch_keys_are_trimmed_and_a_blank_one_is_400(as_viewer, assortment):
    keys = [{"ptype": "resistor", "ipn": "R-2K2"}, {"ptype": "resistor", "ipn": " R-4R7 "}]
    response = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json")
    assert [p["ipn"] for p in response.json()["results"]] == ["R-2K2", "R-4R7"]
    blank = [{"ptype": "resistor", "ipn": "R-2K2"}, {"ptype": "resistor", "ipn": ""}]
    response = as_viewer.post("/api/v1/parts/batch", {"keys": blank}, format="json")
    assert response.status_code == 400
    assert "keys.1.ipn" in response.json()["errors"]


@pytest.mark.parametrize("ipn", ["\x1c", "\x85 ", "\ufeff", "\u3000\u2028"])
def test_a_batch_key_of_spaces_only_as_python_or_json_schema_sees_them_is_400(
    as_viewer, assortment, ipn
):
    """The schema's pattern and the server agree on what is blank: \x1c is a space only to
    Python (which trims it), \ufeff only to JSON Schema's regular expressions."""
    keys = [{"ptype": "resistor", "ipn": "R-2K2"}, {"ptype": "resistor", "ipn": ipn}]
    response = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json")
    assert response.status_code == 400
    assert "keys.1.ipn" in response.json()["errors"]


@given(st.text(max_size=4))
def test_not_blank_means_a_character_neither_python_nor_json_schema_calls_a_space(text):
    ecma_spaces = set("\t\n\v\f\r \xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff")
    ecma_spaces |= {chr(code) for code in range(0x2000, 0x200B)}
    visible = [c for c in text if not c.isspace() and c not in ecma_spaces]
    assert (re.search(NOT_BLANK, text) is not None) == bool(visible)


def test_batch_of_more_than_1000_keys_is_400(as_viewer):
    keys = [{"ptype": "resistor", "ipn": f"R-{n}"} for n in range(1001)]
    response = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json")
    assert response.status_code == 400
    assert "keys" in response.json()["errors"]


# --- query counts: the same bound for 1 row and for 100 -----------------------------------------


@pytest.fixture(params=[1, 100], ids=["1-part", "100-parts"])
def stocked(request, resistors):
    rows = [
        {
            "ipn": f"R-{n:03d}",
            "mpn": f"MPN{n:03d}",
            "info": {"resistance": n + 1, "package": "0603"},
            "tags": ["a", "b"],
        }
        for n in range(request.param)
    ]
    parts = services.parts_create_many(actor=SYSTEM, part_type=resistors, rows=rows)
    for part in parts[1:]:
        services.alternate_add(actor=SYSTEM, part=parts[0], alternate=part)
    return parts


def test_list_query_count(as_viewer, stocked, django_assert_max_num_queries):
    url = "/api/v1/parts/resistor?page_size=1000&info.resistance.min=1&ordering=-info.resistance"
    # type + its info keys (a Prefetch) + count + page (tag names included)
    with django_assert_max_num_queries(AUTH + 4):
        assert len(ipns(as_viewer.get(url))) == len(stocked)


@pytest.mark.parametrize("export_format", ["csv", "json"])
def test_export_query_count(as_viewer, stocked, django_assert_max_num_queries, export_format):
    # type with its info keys + per chunk of rows: the rows and their tag names
    with django_assert_max_num_queries(AUTH + 3):
        response = as_viewer.get(f"/api/v1/parts/resistor?format={export_format}")
        content = b"".join(response.streaming_content)
    assert content.count(b"R-0") >= len(stocked)


def test_detail_query_count(as_viewer, stocked, django_assert_max_num_queries):
    with django_assert_max_num_queries(AUTH + 3):
        assert as_viewer.get("/api/v1/parts/resistor/R-000").status_code == 200


def test_batch_query_count(as_viewer, stocked, django_assert_max_num_queries):
    keys = [{"ptype": "resistor", "ipn": part.ipn} for part in stocked]
    # the rows (tag names included) + their types + the types' info keys
    with django_assert_max_num_queries(AUTH + 3):
        response = as_viewer.post("/api/v1/parts/batch", {"keys": keys}, format="json")
    assert len(response.json()["results"]) == len(stocked)


def test_search_query_count(
    as_viewer, stocked, django_assert_max_num_queries, django_assert_num_queries
):
    # exact and prefix matches + contains + types + their info keys (tag names come with
    # the parts)
    with django_assert_max_num_queries(AUTH + 4):
        response = as_viewer.get("/api/v1/parts/search/MPN?limit=200")
    results = response.json()["results"]
    assert len(results) == len(stocked)
    assert all(part["tags"] == ["a", "b"] for part in results)
    # The token's last use is written once per interval (the request above), so the token
    # costs one query from here on. "contains" runs only when the prefix matches leave room.
    with django_assert_num_queries(1 + 4):
        as_viewer.get("/api/v1/parts/search/MPN?limit=200")
    if len(stocked) > 50:
        with django_assert_num_queries(1 + 3):
            response = as_viewer.get("/api/v1/parts/search/MPN?limit=50")
        assert response.json()["truncated"] is True


def test_alternates_query_count(as_viewer, stocked, django_assert_max_num_queries):
    with django_assert_max_num_queries(AUTH + 7):
        response = as_viewer.get("/api/v1/parts/resistor/R-000/alternates")
    assert len(response.json()) == len(stocked) - 1
