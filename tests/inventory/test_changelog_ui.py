"""The changelog page of the clerk UI and the read-only changelog in the admin."""

import pytest
from django.db import transaction
from django.urls import reverse

from config.core import changelog
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.roles import Role
from config.core.views import PAGE_SIZE
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/changelog"


def write(entity_key="R-0001", *, entity_type="part", action="create", actor="tests", changes=None):
    with transaction.atomic():
        return changelog.record(
            actor=Actor(kind="user", name=actor),
            action=action,
            entity_type=entity_type,
            entity_key=entity_key,
            changes=changes,
        )


@pytest.fixture
def browser(client):
    client.force_login(make_user("vicky", Role.VIEWER))
    ChangelogEntry.objects.all().delete()
    return client


def test_the_url_is_named():
    assert reverse("core:changelog") == URL


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_viewer_sees_entries_newest_first_with_their_changes(browser):
    write("R-0001", changes={"description": ["old text", "new text"]})
    write("R-0002", action="delete", actor="mona")
    response = browser.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Changelog · Warecache</title>" in html
    assert html.index("R-0002") < html.index("R-0001")
    assert "old text" in html and "new text" in html
    assert "mona" in html and "Deleted" in html
    assert 'id="changelog-table"' in html
    assert 'hx-get="/changelog"' in html  # the filter form is live


def test_filters_narrow_the_table(browser):
    write("R-0001")
    write("R-0002", actor="mona", action="update")
    write("SHELF-1", entity_type="location", action="delete")
    html = browser.get(URL, {"entity_type": "location"}).content.decode()
    assert "SHELF-1" in html and "R-0001" not in html
    html = browser.get(URL, {"actor": "mona", "action": "update"}).content.decode()
    assert "R-0002" in html and "R-0001" not in html and "SHELF-1" not in html


def test_the_entity_type_choices_are_the_types_in_the_changelog(browser):
    write("R-0001")
    write("SHELF-1", entity_type="location")
    html = browser.get(URL).content.decode()
    assert '<option value="location">location</option>' in html
    assert '<option value="part">part</option>' in html


def test_htmx_gets_only_the_table_fragment(browser):
    write("R-0001")
    response = browser.get(URL, {"entity_type": "part"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="changelog-table"')
    assert "<html" not in html and "R-0001" in html


def test_an_unknown_action_is_refused_in_place(browser):
    write("R-0001")
    response = browser.get(URL, {"action": "explode"}, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "cannot be used" in html and "R-0001" not in html


def test_a_type_with_no_entries_is_an_empty_result_not_an_error(browser):
    write("R-0001")
    response = browser.get(URL, {"entity_type": "robot"})
    assert response.status_code == 200
    assert "No changelog entries match these filters" in response.content.decode()


def test_pages_keep_the_filters(browser):
    for n in range(PAGE_SIZE + 3):
        write(f"R-{n:04}")
    write("SHELF-1", entity_type="location")
    first = browser.get(URL, {"entity_type": "part"}).content.decode()
    assert "Page 1 of 2" in first
    assert "entity_type=part&amp;page=2" in first
    second = browser.get(URL, {"entity_type": "part", "page": 2}, **HTMX).content.decode()
    assert "R-0000" in second and "R-0003" not in second and "SHELF-1" not in second


def test_page_query_count_does_not_grow_with_rows(browser, django_assert_max_num_queries):
    for n in range(PAGE_SIZE):
        write(f"R-{n:04}", changes={"stock": [n, n + 1]})
    # session + user + entity types + count + page
    with django_assert_max_num_queries(5):
        response = browser.get(URL)
    assert response.status_code == 200


def test_each_entry_is_one_line_and_its_changes_open_on_demand(browser):
    write("R-0001", action="update", changes={"description": ["old text", "new text"]})
    write("SHELF-1", entity_type="location", action="delete", actor="mona")
    html = browser.get(URL).content.decode()
    # An entry with changes is a <details>: its summary is the line, the diff opens under it.
    assert html.count('<details class="wc-log-entry">') == 1
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "R-0001" in summary and "Updated" in summary and "description" in summary
    assert "old text" not in summary
    diff = html.split("</summary>")[1].split("</details>")[0]
    assert "old text" in diff and "new text" in diff
    # An entry without changes is the line alone.
    assert '<div class="wc-log-entry">' in html and "SHELF-1" in html


def test_a_created_entry_lists_only_the_fields_that_were_set(browser):
    write(
        "R-0001",
        action="create",
        changes={
            "description": [None, "10k resistor"],
            "mpn": [None, ""],
            "datasheet_url": [None, None],
            "tags": [None, []],
            "unit_weight_g": [None, "0.002"],
        },
    )
    html = browser.get(URL).content.decode()
    summary = html.split("<summary>")[1].split("</summary>")[0]
    assert "description" in summary and "unit_weight_g" in summary
    for empty in ("mpn", "datasheet_url", "tags"):
        assert empty not in html
    diff = html.split("</summary>")[1].split("</details>")[0]
    assert "10k resistor" in diff and "0.002" in diff
    assert "—" not in diff and "→" not in diff and "None" not in diff


def test_a_deleted_entry_lists_what_it_held(browser):
    write(
        "R-0001",
        action="delete",
        changes={"description": ["10k resistor", None], "mpn": ["", None]},
    )
    html = browser.get(URL).content.decode()
    diff = html.split("</summary>")[1].split("</details>")[0]
    assert "10k resistor" in diff and "mpn" not in html and "→" not in diff


def test_an_entry_of_many_fields_names_a_few_on_its_line(browser):
    write("R-0001", action="update", changes={f"f{n}": [n, n + 1] for n in range(7)})
    summary = browser.get(URL).content.decode().split("<summary>")[1].split("</summary>")[0]
    assert "f0, f1, f2, f3 and 3 more" in summary


def test_a_long_list_shows_its_first_items_and_counts_the_rest(browser):
    ipns = [f"RES-{n:05d}" for n in range(2000)]
    write("batch-1", action="update", changes={"parts": [None, ipns], "tags": [["a", ""], ["b"]]})
    diff = browser.get(URL).content.decode().split("</summary>")[1].split("</details>")[0]
    assert "RES-00000, RES-00001" in diff and "RES-00019 and 1,980 more" in diff
    assert "RES-00020" not in diff
    assert "a, —" in diff  # an empty item still reads as a dash


# Admin ------------------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    client.force_login(make_user("root", Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_admin_lists_searches_and_filters_entries(staff):
    write("R-0001", actor="mona")
    write("SHELF-1", entity_type="location", action="delete")
    url = reverse("admin:core_changelogentry_changelist")
    assert "R-0001" in staff.get(url).content.decode()
    html = staff.get(url, {"q": "mona"}).content.decode()
    assert "R-0001" in html and "SHELF-1" not in html
    html = staff.get(url, {"action": "delete"}).content.decode()
    assert "SHELF-1" in html and "R-0001" not in html


def test_admin_is_read_only(staff):
    entry = write("R-0001")
    assert staff.get(reverse("admin:core_changelogentry_add")).status_code == 403
    change_url = reverse("admin:core_changelogentry_change", args=[entry.pk])
    assert staff.get(change_url).status_code == 200  # viewable
    response = staff.post(change_url, {"entity_key": "HACKED"})
    assert response.status_code == 403
    delete_url = reverse("admin:core_changelogentry_delete", args=[entry.pk])
    assert staff.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.entity_key == "R-0001"
    changelist = staff.get(reverse("admin:core_changelogentry_changelist")).content.decode()
    assert "delete_selected" not in changelist
