"""Alternate parts: /api/v1/parts/{ptype}/{ipn}/alternates (symmetric links)."""

import pytest

from config.core.actors import Actor
from config.core.models import ChangelogEntry
from inventory.catalogue import services
from inventory.models import PartAlternate
from tests.factories import make_resistor_type

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
ALTERNATES = "/api/v1/parts/resistor/{}/alternates"


@pytest.fixture
def parts():
    resistors = make_resistor_type()
    capacitors = services.part_type_create(actor=SYSTEM, slug="capacitor", name="Caps")
    return (
        services.part_create(actor=SYSTEM, part_type=resistors, ipn="R-1", info={"resistance": 1}),
        services.part_create(actor=SYSTEM, part_type=resistors, ipn="R-2", info={"resistance": 2}),
        services.part_create(actor=SYSTEM, part_type=capacitors, ipn="C-1"),
    )


def link(client, ipn, body):
    return client.post(ALTERNATES.format(ipn), body, format="json")


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [(item["part"]["ipn"], item["note"]) for item in response.json()]


def test_a_link_shows_on_both_parts(as_manager, parts):
    response = link(as_manager, "R-2", {"ipn": "R-1", "note": "same footprint"})
    assert response.status_code == 201, response.json()
    assert response.json()["part"]["ipn"] == "R-1"
    assert listed(as_manager, ALTERNATES.format("R-1")) == [("R-2", "same footprint")]
    assert listed(as_manager, ALTERNATES.format("R-2")) == [("R-1", "same footprint")]
    assert PartAlternate.objects.count() == 1


def test_alternates_may_be_of_another_type(as_manager, parts):
    assert link(as_manager, "R-1", {"ipn": "C-1", "ptype": "capacitor"}).status_code == 201
    assert listed(as_manager, "/api/v1/parts/capacitor/C-1/alternates") == [("R-1", "")]


def test_linking_a_part_to_itself_is_400(as_manager, parts):
    response = link(as_manager, "R-1", {"ipn": "R-1"})
    assert response.status_code == 400
    assert response.json()["code"] == "self_alternate"


@pytest.mark.parametrize("direction", [("R-1", "R-2"), ("R-2", "R-1")])
def test_linking_twice_either_way_is_409(as_manager, parts, direction):
    link(as_manager, "R-1", {"ipn": "R-2"})
    response = link(as_manager, direction[0], {"ipn": direction[1]})
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_linking_an_unknown_part_or_wrong_type_is_400(as_manager, parts):
    assert "ipn" in link(as_manager, "R-1", {"ipn": "NOPE"}).json()["errors"]
    assert link(as_manager, "R-1", {"ipn": "C-1", "ptype": "resistor"}).status_code == 400


def test_removing_a_link_works_from_either_side(as_manager, parts):
    link(as_manager, "R-1", {"ipn": "R-2"})
    response = as_manager.delete("/api/v1/parts/resistor/R-2/alternates/R-1")
    assert response.status_code == 204
    assert listed(as_manager, ALTERNATES.format("R-1")) == []


def test_removing_a_link_that_does_not_exist_is_404(as_manager, parts):
    response = as_manager.delete("/api/v1/parts/resistor/R-1/alternates/R-2")
    assert response.status_code == 404
    assert as_manager.delete("/api/v1/parts/resistor/R-1/alternates/NOPE").status_code == 404


def test_alternates_of_a_part_in_the_wrong_type_are_404(as_viewer, parts):
    assert as_viewer.get("/api/v1/parts/capacitor/R-1/alternates").status_code == 404


def test_linking_and_unlinking_are_in_the_changelog(as_manager, parts):
    link(as_manager, "R-2", {"ipn": "R-1", "note": "n"})
    as_manager.delete("/api/v1/parts/resistor/R-1/alternates/R-2")
    created, deleted = ChangelogEntry.objects.filter(entity_type="part_alternate").order_by("id")
    assert (created.action, created.entity_key, created.actor_name) == ("create", "R-1~R-2", "mona")
    assert created.changes == {"parts": [None, ["R-1", "R-2"]], "note": [None, "n"]}
    assert (deleted.action, deleted.entity_key) == ("delete", "R-1~R-2")
    assert deleted.changes == {"parts": [["R-1", "R-2"], None], "note": ["n", None]}
