"""The parts catalogue pages of the clerk UI: list (live search, filters, sorting), part page,
part form, alternates, delete, part types."""

import re

import pytest
from django.urls import reverse

from config.core.actors import Actor
from config.core.roles import Role
from inventory.catalogue.views import parts as views
from inventory.models import InfoKey, Part, PartAlternate, PartType
from tests.conftest import make_user
from tests.factories import (
    InfoKeyFactory,
    PartFactory,
    PartTypeFactory,
    make_part,
    make_resistor_type,
)
from tests.inventory.stock_helpers import location, receive

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SYSTEM = Actor.system("tests")
LIST = "/parts"


@pytest.fixture
def resistors():
    return make_resistor_type()


@pytest.fixture
def viewing(client):
    client.force_login(make_user("vicky", Role.VIEWER))
    return client


@pytest.fixture
def managing(client):
    client.force_login(make_user("manny", Role.MANAGER))
    return client


def part_form(**overrides):
    """A complete POST of the part form for the resistor type."""
    data = {
        "ipn": "",
        "mpn": "RC0603FR-0710KL",
        "manufacturer": "Yageo",
        "description": "Thick film resistor",
        "info.resistance": "10k",
        "info.tolerance": "1 %",
        "info.power": "",
        "info.package": "0603",
        "info.series": "RC",
        "tags": "smd, e96",
        "datasheet_url": "",
        "footprint": "R_0603",
        "unit_of_measure": "pcs",
        "unit_weight_g": "",
        "low_stock_threshold": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def html_of(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# List


def test_the_urls_are_named():
    assert reverse("inventory:part-list") == "/parts"
    assert reverse("inventory:part-detail", args=["resistor", "RES-00001"]) == (
        "/parts/resistor/RES-00001"
    )
    assert reverse("inventory:part-create", args=["resistor"]) == "/parts/resistor/new"
    assert reverse("inventory:part-type-list") == "/part-types"


def test_every_catalogue_page_declares_the_role_it_needs():
    from inventory.catalogue.urls import urlpatterns

    declared = {pattern.name: pattern.callback.required_role for pattern in urlpatterns}
    readers = {"part-list", "part-manufacturers", "part-detail", "part-type-list"}
    assert declared == {name: Role.VIEWER if name in readers else Role.MANAGER for name in declared}
    assert len(declared) == 13


def test_a_clerk_reads_the_catalogue_but_changes_nothing(client, resistors):
    client.force_login(make_user("clara", Role.CLERK))
    part = make_part(resistors, info={"resistance": "10k"})
    assert client.get(LIST).status_code == 200
    assert client.get(f"/parts/resistor/{part.ipn}").status_code == 200
    assert client.get("/parts/resistor/new").status_code == 403
    assert client.post(f"/parts/resistor/{part.ipn}/edit", part_form()).status_code == 403
    assert client.get("/part-types/new").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, resistors):
    for url in (LIST, "/part-types", "/parts/resistor/new"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_shows_parts_with_display_info_and_tags(viewing, resistors):
    make_part(resistors, mpn="RC0603-10K", manufacturer="Yageo", info={"resistance": "10k"})
    make_part(resistors, info={"resistance": "4k7", "package": "0805"}, tags=["smd"])
    html = html_of(viewing.get(LIST, {"type": "resistor"}))
    assert "<title>Parts · Warecache</title>" in html
    assert 'href="/parts/resistor/RES-00001"' in html
    assert "RC0603-10K" in html and "Yageo" in html
    assert "10 kΩ" in html and "4.7 kΩ" in html and "0805" in html
    assert ">smd</a>" in html
    # Filters generated from the type's info keys: a range for numbers, a select for choices.
    assert 'name="info.resistance.min"' in html and 'name="info.resistance.max"' in html
    assert '<select name="info.package"' in html


def test_all_types_lists_every_type_with_a_summary_of_info(viewing, resistors):
    make_part(resistors, info={"resistance": "10k"})
    caps = PartTypeFactory(slug="capacitor", name="Capacitors")
    PartFactory(part_type=caps, ipn="CAP-1")
    html = html_of(viewing.get(LIST))
    assert "RES-00001" in html and "CAP-1" in html
    assert "Resistance: 10 kΩ" in html


def test_the_search_box_searches_as_the_user_types(viewing, resistors):
    html = html_of(viewing.get(LIST))
    assert 'hx-trigger="input changed delay:250ms, search"' in html
    assert 'hx-target="#parts-table"' in html


def test_live_search_fragment_filters_the_parts(viewing, resistors):
    make_part(resistors, mpn="RC0603FR-0710KL", info={"resistance": "10k"})
    make_part(resistors, mpn="CRCW0805470R", info={"resistance": "470"})
    response = viewing.get(LIST, {"type": "resistor", "q": "rc0603"}, **HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith("<section")
    assert 'id="parts-table"' in html
    assert "RC0603FR-0710KL" in html and "CRCW0805470R" not in html


def test_numeric_info_filter_accepts_units(viewing, resistors):
    for value in ("100", "4k7", "10k", "22k", "1M"):
        make_part(resistors, description=f"R {value}", info={"resistance": value})
    query = {"type": "resistor", "info.resistance.min": "4.7k", "info.resistance.max": "22 kΩ"}
    html = html_of(viewing.get(LIST, query, **HTMX))
    shown = re.findall(r"R (\w+)</td>", html)
    assert shown == ["4k7", "10k", "22k"]


def test_choice_tag_manufacturer_and_archived_filters(viewing, resistors):
    make_part(resistors, ipn="R-A", info={"resistance": 1, "package": "0603"}, tags=["smd"])
    make_part(resistors, ipn="R-B", info={"resistance": 1, "package": "THT"}, manufacturer="Vishay")
    make_part(resistors, ipn="R-C", info={"resistance": 1, "package": "0603"}, archived=True)

    def ipns(**query):
        html = html_of(viewing.get(LIST, {"type": "resistor", **query}, **HTMX))
        return re.findall(r'href="/parts/resistor/([\w-]+)"', html)

    assert ipns() == ["R-A", "R-B"]  # archived parts are hidden unless asked for
    assert ipns(**{"info.package": "0603"}) == ["R-A"]
    assert ipns(tags="smd") == ["R-A"]
    assert ipns(manufacturer="vishay") == ["R-B"]
    assert ipns(archived="only") == ["R-C"]
    assert ipns(archived="all") == ["R-A", "R-B", "R-C"]


def test_sorting_by_a_quantity_is_numeric_and_the_header_toggles(viewing, resistors):
    for value in ("10k", "100", "4k7"):
        make_part(resistors, ipn=f"R-{value}", info={"resistance": value})
    html = html_of(viewing.get(LIST, {"type": "resistor", "ordering": "info.resistance"}, **HTMX))
    assert re.findall(r'href="/parts/resistor/(R-\w+)"', html) == ["R-100", "R-4k7", "R-10k"]
    assert 'aria-sort="ascending"' in html
    assert "ordering=-info.resistance" in html  # clicking again reverses it
    html = html_of(viewing.get(LIST, {"ordering": "-mpn"}, **HTMX))
    assert 'aria-sort="descending"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"type": "resistor", "info.resistance.min": "ten"}, "Resistance from"),
        ({"type": "resistor", "info.resistance.max": "5 V"}, "cannot be converted"),
        ({"type": "no-such-type"}, "Select a valid choice"),
        ({"ordering": "info.resistance"}, "Select a valid choice"),
        ({"page": "zero"}, "Enter a whole number"),
    ],
)
def test_bad_filter_values_show_an_inline_message_not_a_500(viewing, resistors, query, message):
    make_part(resistors, info={"resistance": "10k"})
    for headers in ({}, HTMX):
        response = viewing.get(LIST, query, **headers)
        assert response.status_code == 422
        html = html_of(response)
        assert "These filters cannot be used" in html and message in html
        assert "RES-00001" not in html


def test_the_list_paginates_by_50(viewing, resistors):
    for n in range(51):
        PartFactory(part_type=resistors, ipn=f"R-{n:03d}")
    html = html_of(viewing.get(LIST, {"type": "resistor"}))
    assert "R-049" in html and "R-050" not in html and "Page 1 of 2" in html
    html = html_of(viewing.get(LIST, {"type": "resistor", "page": 2}, **HTMX))
    assert "R-050" in html and "R-049" not in html


def test_the_list_costs_the_same_queries_for_1_or_30_parts(
    viewing, resistors, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_part(resistors, info={"resistance": "1k"}, tags=["a"])
    with CaptureQueriesContext(connection) as one:
        viewing.get(LIST, {"type": "resistor"})
    for n in range(29):
        make_part(resistors, info={"resistance": n + 1}, tags=[f"t{n}"])
    with django_assert_max_num_queries(len(one)):
        assert "RES-00030" in html_of(viewing.get(LIST, {"type": "resistor"}))


@pytest.mark.parametrize(
    "query",
    [{}, {"type": "resistor", "info.resistance.min": "1", "tags": "a"}, {"q": "res"}],
    ids=["all types", "info and tag filters", "search"],
)
def test_every_list_costs_the_same_queries_for_1_or_30_parts(
    viewing, resistors, query, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caps = PartTypeFactory(slug="capacitor", name="Capacitors")
    make_part(resistors, info={"resistance": "1k"}, tags=["a"])
    with CaptureQueriesContext(connection) as one:
        viewing.get(LIST, query)
    for n in range(29):
        make_part(resistors, info={"resistance": n + 1}, tags=["a", f"t{n}"])
        PartFactory(part_type=caps)
    with django_assert_max_num_queries(len(one)):
        html = html_of(viewing.get(LIST, query))
    assert html.count('<td class="text-end') >= 30  # rows shown: one on-hand cell each


@pytest.mark.parametrize("query", [{}, {"type": "resistor"}], ids=["all types", "one type"])
def test_a_list_page_is_six_queries(viewing, resistors, query, django_assert_num_queries):
    caps = PartTypeFactory(slug="capacitor", name="Capacitors")
    for n in range(5):
        make_part(resistors, info={"resistance": n + 1}, tags=["a"])
        PartFactory(part_type=caps)
    # session, user, part types, their info keys, count, page (types are not read again)
    with django_assert_num_queries(6):
        assert viewing.get(LIST, query).status_code == 200


def test_the_list_of_every_type_counts_its_active_parts(viewing, resistors):
    caps = PartTypeFactory(slug="capacitor", name="Capacitors")
    for n in range(3):
        make_part(resistors, info={"resistance": n + 1})
    make_part(resistors, info={"resistance": 9}, archived=True)
    for archived in (False, True, True):
        PartFactory(part_type=caps, archived=archived)
    caption = "{} parts; archived parts are not shown."
    assert caption.format(4) in viewing.get(LIST).content.decode()
    assert "3 parts of type" in viewing.get(LIST, {"type": "resistor"}).content.decode()
    assert "7 parts." in viewing.get(LIST, {"archived": "all"}).content.decode()
    assert "3 parts." in viewing.get(LIST, {"archived": "true"}).content.decode()


def test_archived_parts_are_hidden_unless_asked_for_as_in_the_api(viewing, resistors):
    make_part(resistors, ipn="R-A", info={"resistance": 1})
    make_part(resistors, ipn="R-C", info={"resistance": 1}, archived=True)

    def ipns(**query):
        html = html_of(viewing.get(LIST, {"type": "resistor", **query}, **HTMX))
        return re.findall(r'href="/parts/resistor/([\w-]+)"', html)

    # The API's words (test_parts_search): false (the default), true, all.
    assert ipns() == ipns(archived="false") == ["R-A"]
    assert ipns(archived="true") == ["R-C"]
    assert ipns(archived="all") == ["R-A", "R-C"]
    assert "archived parts are not shown" in html_of(viewing.get(LIST, {"type": "resistor"}))
    assert "archived parts are not shown" not in html_of(viewing.get(LIST, {"archived": "all"}))
    # A link from before ("only") shows its choice in the filter.
    html = html_of(viewing.get(LIST, {"type": "resistor", "archived": "only"}))
    assert '<option value="true" selected>Archived only</option>' in html
    response = viewing.get(LIST, {"archived": "maybe"})
    assert response.status_code == 422 and "Select a valid choice" in html_of(response)


def test_the_list_shows_what_is_on_hand_and_marks_low_stock(viewing, resistors):
    plenty = make_part(resistors, ipn="R-PLENTY", info={"resistance": 1}, unit_of_measure="m")
    low = make_part(resistors, ipn="R-LOW", info={"resistance": 1}, low_stock_threshold=5000)
    make_part(resistors, ipn="R-NONE", info={"resistance": 1})
    shelf = location("SHELF-1")
    receive(Part.objects.get(pk=plenty.pk), shelf, "12345.5")
    receive(Part.objects.get(pk=low.pk), shelf, "4000")
    html = html_of(viewing.get(LIST, {"type": "resistor"}))
    assert '<th scope="col" class="text-end">On hand</th>' in html
    cells = dict(
        re.findall(
            r'href="/parts/resistor/(R-\w+)".*?<td class="text-end[^>]*>\s*(\S+)', html, re.S
        )
    )
    assert cells == {"R-LOW": "4,000", "R-NONE": "0", "R-PLENTY": "12,345.5"}
    assert '12,345.5 <span class="text-body-secondary">m</span>' in html  # not in pieces
    assert 'class="text-end text-danger" title="Under its low-stock threshold of 5,000"' in html


def test_long_values_stay_on_one_line_with_the_whole_text_in_a_tooltip(viewing, resistors):
    description = "Thick film chip resistor, automotive grade, anti-sulfur, " * 3
    make_part(resistors, description=description.strip(), info={"resistance": 1})
    html = html_of(viewing.get(LIST, {"type": "resistor"}))
    assert f'<td class="wc-cell wc-cell-wide" title="{description.strip()}">' in html
    assert 'class="table table-sm table-hover wc-table wc-parts-table"' in html
    assert '<div class="wc-parts-page">' in html  # the page takes the window's width


def test_manufacturer_suggestions_load_when_the_field_is_first_focused(viewing, resistors):
    make_part(resistors, manufacturer="Yageo", info={"resistance": 1})
    make_part(resistors, manufacturer="Vishay", info={"resistance": 1})
    html = html_of(viewing.get(LIST))
    url = reverse("inventory:part-manufacturers")
    assert f'hx-get="{url}"' in html and 'hx-trigger="focus once from:#id_manufacturer"' in html
    assert 'hx-swap="innerHTML"></datalist>' in html  # empty until then
    options = html_of(viewing.get(url, **HTMX))
    assert options.strip() == '<option value="Vishay"></option><option value="Yageo"></option>'


# ---------------------------------------------------------------------------------------------
# Part page and roles


def test_viewer_sees_no_edit_buttons_and_gets_403_on_writes(viewing, resistors):
    part = make_part(resistors, info={"resistance": "10k"})
    other = make_part(resistors, info={"resistance": "1k"})
    html = html_of(viewing.get(f"/parts/resistor/{part.ipn}"))
    assert "10 kΩ" in html
    assert "/edit" not in html and "/delete" not in html and "Add alternate" not in html
    assert "New resistors part" not in html_of(viewing.get(LIST, {"type": "resistor"}))
    base = f"/parts/resistor/{part.ipn}"
    for url, data in [
        ("/parts/resistor/new", part_form()),
        (f"{base}/edit", part_form()),
        (f"{base}/delete", {}),
        (f"{base}/alternates", {"ipn": other.ipn}),
        (f"{base}/alternates/{other.ipn}/remove", {}),
        ("/part-types/new", {}),
        ("/part-types/resistor/edit", {}),
        ("/part-types/resistor/delete", {}),
    ]:
        assert viewing.post(url, data).status_code == 403, url
    assert viewing.get("/parts/resistor/new").status_code == 403
    assert Part.objects.count() == 2 and PartType.objects.count() == 1


def test_an_unknown_part_or_type_is_404(viewing, resistors):
    assert viewing.get("/parts/resistor/NOPE").status_code == 404
    make_part(resistors, info={"resistance": 1})
    assert viewing.get("/parts/capacitor/RES-00001").status_code == 404


def test_part_page_shows_every_field_notes_escaped_and_the_later_sections(viewing, resistors):
    part = make_part(
        resistors,
        info={"resistance": "4k7", "smd": True},
        datasheet_url="https://example.com/rc.pdf",
        notes="<script>alert(1)</script>\nsecond line",
        tags=["smd"],
    )
    html = html_of(viewing.get(f"/parts/resistor/{part.ipn}"))
    assert "4.7 kΩ" in html and ">yes<" in html
    assert 'href="https://example.com/rc.pdf"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html
    assert "Distributors" in html and "Used in BOMs" in html


def test_part_page_includes_only_sections_whose_template_exists(viewing, resistors, monkeypatch):
    monkeypatch.setattr(
        views, "PART_SECTIONS", ("inventory/parts/_delete_refused.html", "nope/_missing.html")
    )
    part = make_part(resistors, info={"resistance": 1})
    response = viewing.get(f"/parts/resistor/{part.ipn}")
    assert response.status_code == 200
    assert response.context["sections"] == ["inventory/parts/_delete_refused.html"]


# ---------------------------------------------------------------------------------------------
# Part form


def test_manager_creates_a_part_with_10k_and_sees_it_normalised(managing, resistors):
    assert managing.get("/parts/resistor/new").status_code == 200
    response = managing.post("/parts/resistor/new", part_form())
    assert response.status_code == 302
    part = Part.objects.get()
    assert part.ipn == "RES-00001"  # generated from the type's prefix
    assert response["Location"] == f"/parts/resistor/{part.ipn}"
    assert part.info == {"resistance": 10000, "tolerance": 1, "package": "0603", "smd": False,
                         "series": "RC"}  # fmt: skip
    assert sorted(part.tags.values_list("name", flat=True)) == ["e96", "smd"]
    html = html_of(managing.get(response["Location"]))
    assert '<dd class="col-7" data-info-key="resistance">10 kΩ</dd>' in html
    assert "Part RES-00001 created." in html


def test_the_part_form_shows_units_placeholders_and_required_marks(managing, resistors):
    html = html_of(managing.get("/parts/resistor/new"))
    field = re.search(r'<input[^>]*name="info.resistance"[^>]*>', html).group(0)
    assert 'placeholder="e.g. 10k or 10 kΩ"' in field and "required" in field
    assert '<span class="input-group-text">Ω</span>' in html
    assert 'type="checkbox" name="info.smd"' in html
    assert '<select name="info.package"' in html


def test_invalid_info_shows_the_error_at_its_field_and_creates_nothing(managing, resistors):
    response = managing.post(
        "/parts/resistor/new", part_form(**{"info.resistance": "10 V", "info.tolerance": "x"})
    )
    assert response.status_code == 422
    html = html_of(response)
    assert re.search(r'id="id_info.resistance_error"><div>.*cannot be converted to Ω', html), (
        "the resistance error is not at its field"
    )
    assert 'id="id_info.tolerance_error"' in html
    assert re.search(r'<input[^>]*name="info.resistance"[^>]*is-invalid', html)
    assert Part.objects.count() == 0


def test_a_missing_required_info_value_and_a_taken_ipn_are_shown_at_their_fields(
    managing, resistors
):
    make_part(resistors, ipn="R-1", info={"resistance": 1})
    response = managing.post("/parts/resistor/new", part_form(**{"info.resistance": ""}))
    assert response.status_code == 422
    assert "This info key is required." in html_of(response)
    response = managing.post("/parts/resistor/new", part_form(ipn="R-1"))
    assert response.status_code == 422
    assert re.search(
        r'id="id_ipn_error"><div>A part with IPN \S+R-1\S+ already exists', html_of(response)
    )
    assert Part.objects.count() == 1


def test_edit_shows_readable_values_and_saves_only_what_changed(managing, resistors):
    part = make_part(resistors, info={"resistance": "10k", "power": "0.25"}, tags=["smd"])
    html = html_of(managing.get(f"/parts/resistor/{part.ipn}/edit"))
    assert 'value="10 kΩ"' in html and 'value="250 mW"' in html and 'value="smd"' in html
    data = part_form(**{"info.resistance": "10 kΩ", "info.power": "", "description": "New"})
    data.pop("ipn")
    response = managing.post(f"/parts/resistor/{part.ipn}/edit", data)
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.description == "New"
    assert part.info["resistance"] == 10000
    assert "power" not in part.info  # a blank optional value is removed


def test_edit_with_invalid_info_changes_nothing(managing, resistors):
    part = make_part(resistors, description="Old", info={"resistance": "10k"})
    data = part_form(**{"info.resistance": "lots", "description": "New"})
    response = managing.post(f"/parts/resistor/{part.ipn}/edit", data)
    assert response.status_code == 422
    assert 'id="id_info.resistance_error"' in html_of(response)
    part.refresh_from_db()
    assert part.description == "Old" and part.info == {"resistance": 10000}


# ---------------------------------------------------------------------------------------------
# Alternates and delete


def test_alternates_are_added_and_removed_in_place(managing, resistors):
    part = make_part(resistors, info={"resistance": "10k"})
    other = make_part(resistors, info={"resistance": "10k"}, description="The other one")
    base = f"/parts/resistor/{part.ipn}/alternates"
    response = managing.post(base, {"ipn": other.ipn, "note": "same footprint"}, **HTMX)
    assert response.status_code == 200
    html = html_of(response)
    assert html.lstrip().startswith('<section id="alternates"')
    assert "The other one" in html and "same footprint" in html
    assert PartAlternate.objects.count() == 1
    # The link is symmetric: the other part's page shows it too.
    assert part.ipn in html_of(managing.get(f"/parts/resistor/{other.ipn}"))

    response = managing.post(f"{base}/{other.ipn}/remove", **HTMX)
    assert response.status_code == 200
    assert "No alternates." in html_of(response)
    assert PartAlternate.objects.count() == 0


def test_adding_an_unknown_or_the_same_alternate_shows_the_reason(managing, resistors):
    part = make_part(resistors, info={"resistance": "10k"})
    base = f"/parts/resistor/{part.ipn}/alternates"
    response = managing.post(base, {"ipn": "NOPE"}, **HTMX)
    assert response.status_code == 422 and "No part has this IPN." in html_of(response)
    response = managing.post(base, {"ipn": part.ipn}, **HTMX)
    assert response.status_code == 422
    assert "A part cannot be its own alternate." in html_of(response)
    # Without JavaScript: the whole part page with the form's errors.
    response = managing.post(base, {"ipn": "NOPE"})
    assert response.status_code == 422 and "<title>" in html_of(response)


def test_delete_of_a_part_in_use_shows_the_reason(managing, resistors):
    part = make_part(resistors, info={"resistance": "10k"})
    receive(Part.objects.get(pk=part.pk), location("SHELF-1"), "5")
    url = f"/parts/resistor/{part.ipn}/delete"
    response = managing.post(url, **HTMX)
    assert response.status_code == 422
    assert "still used by: stock movements" in html_of(response)
    response = managing.post(url)  # without JavaScript: the confirmation page says why
    assert response.status_code == 409
    assert "Archive it instead." in html_of(response)
    assert Part.objects.filter(pk=part.pk).exists()


def test_delete_asks_first_and_then_deletes(managing, resistors):
    part = make_part(resistors, info={"resistance": "10k"})
    html = html_of(managing.get(f"/parts/resistor/{part.ipn}"))
    assert f'hx-confirm="Delete part {part.ipn}?' in html
    assert managing.get(f"/parts/resistor/{part.ipn}/delete").status_code == 200
    response = managing.post(f"/parts/resistor/{part.ipn}/delete", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/parts?type=resistor"
    assert not Part.objects.exists()


# ---------------------------------------------------------------------------------------------
# Part types


def type_form(rows, **fields):
    data = {
        "slug": "capacitor",
        "name": "Capacitors",
        "description": "",
        "ipn_prefix": "",
        "info_keys-TOTAL_FORMS": str(len(rows)),
        "info_keys-INITIAL_FORMS": "0",
        "info_keys-MIN_NUM_FORMS": "0",
        "info_keys-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        defaults = {"key": "", "label": "", "kind": "text", "unit": "", "choices": ""}
        for name, value in {**defaults, **row}.items():
            if value is not False:
                data[f"info_keys-{index}-{name}"] = value
    data.update(fields)
    return data


def test_part_types_list_shows_part_counts(viewing, resistors):
    make_part(resistors, info={"resistance": 1})
    make_part(resistors, info={"resistance": 2})
    html = html_of(viewing.get("/part-types"))
    assert "Resistors" in html and ">2</a>" in html
    assert "New part type" not in html and "/part-types/resistor/edit" not in html


def test_manager_creates_a_part_type_with_info_keys(managing):
    rows = [
        {"key": "capacitance", "kind": "quantity", "unit": "F", "required": "on"},
        {"key": "dielectric", "kind": "choice", "choices": "C0G, X7R ,X5R"},
        {},  # an empty extra row is ignored
    ]
    response = managing.post("/part-types/new", type_form(rows))
    assert response.status_code == 302, html_of(response)
    part_type = PartType.objects.get(slug="capacitor")
    assert part_type.ipn_prefix == "CAPACITOR"
    keys = list(part_type.info_keys.order_by("position"))
    assert [(k.key, k.kind, k.unit, k.required) for k in keys] == [
        ("capacitance", "quantity", "F", True),
        ("dielectric", "choice", "", False),
    ]
    assert keys[1].choices == ["C0G", "X7R", "X5R"]
    assert keys[0].label == "Capacitance"
    # And its parts take "100n" for the new quantity key.
    managing.post("/parts/capacitor/new", {"info.capacitance": "100n", "unit_of_measure": "pcs"})
    assert Part.objects.get().info == {"capacitance": 1e-07}


def test_part_type_errors_show_at_their_info_key_row(managing):
    rows = [{"key": "capacitance", "kind": "quantity"}]
    response = managing.post("/part-types/new", type_form(rows))
    assert response.status_code == 422
    assert re.search(
        r'id="id_info_keys-0-unit_error"><div>A quantity needs a unit', html_of(response)
    )
    response = managing.post("/part-types/new", type_form([], slug="batch"))
    assert response.status_code == 422 and "reserved" in html_of(response)
    assert not PartType.objects.exists()


def test_editing_a_part_type_keeps_existing_keys_and_adds_and_removes(managing, resistors):
    html = html_of(managing.get("/part-types/resistor/edit"))
    assert 'value="resistance"' in html and "disabled" in html
    initial = [
        {
            "label": k.label,
            "required": "on" if k.required else False,
            "choices": ", ".join(k.choices),
        }
        for k in resistors.info_keys.order_by("position")
    ]
    initial[-1]["DELETE"] = "on"  # remove "series"
    data = type_form(
        [*initial, {"key": "material", "kind": "text"}], name="Resistors!", ipn_prefix="RES"
    )
    data["info_keys-INITIAL_FORMS"] = str(len(initial))
    response = managing.post("/part-types/resistor/edit", data)
    assert response.status_code == 302, html_of(response)
    keys = list(InfoKey.objects.filter(part_type=resistors).values_list("key", flat=True))
    assert "series" not in keys and "material" in keys and "resistance" in keys
    assert PartType.objects.get().name == "Resistors!"


def test_the_add_row_fragment_returns_a_row_and_the_new_count(managing):
    response = managing.get(
        reverse("inventory:part-type-info-key-row"), {"info_keys-TOTAL_FORMS": "3"}, **HTMX
    )
    html = html_of(response)
    assert 'name="info_keys-3-key"' in html
    assert 'value="4"' in html and 'hx-swap-oob="true"' in html
    bad = managing.get(reverse("inventory:part-type-info-key-row"), {"info_keys-TOTAL_FORMS": "x"})
    assert bad.status_code == 400


def test_deleting_a_part_type_with_parts_shows_the_reason(managing, resistors):
    make_part(resistors, info={"resistance": 1})
    response = managing.post("/part-types/resistor/delete", **HTMX)
    assert response.status_code == 422
    assert "still has 1 part(s)" in html_of(response)
    empty = InfoKeyFactory(part_type=PartTypeFactory(slug="empty")).part_type
    response = managing.post(f"/part-types/{empty.slug}/delete", **HTMX)
    assert response.status_code == 200 and "deleted" in html_of(response)
    assert list(PartType.objects.values_list("slug", flat=True)) == ["resistor"]
