"""Every step of the scanner pages, as a signed-in clerk, with hostile scans: in the part
slot, the location slots, the quantity slot and the barcode confirmation, and with the
form's own slots tampered with. No step may fail with a server error, a refused step writes
nothing, and a step that commits leaves the ledger exact."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .checks import EXAMPLES, Watch, judge
from .values import hostile_form_values, hostile_texts
from .world import browser, rolled_back

HTMX = {"HTTP_HX_REQUEST": "true"}
FILLED = {"part": "RES-1", "location": "BIN-1"}
# The form's slots before the step that fills each one.
BEFORE = {
    "part": {},
    "location": {"part": "RES-1"},
    "to_location": FILLED,
    "quantity": FILLED,
    "confirm": {**FILLED, "unconfirmed": "4006381333931"},
}
SLOTS = {
    "receive": ("part", "location", "quantity", "confirm"),
    "pick": ("part", "location", "quantity", "confirm"),
    "move": ("part", "location", "to_location", "quantity", "confirm"),
    "count": ("part", "location", "quantity", "confirm"),
}
FIELDS = ("scan", "part", "location", "to_location", "lot", "quantity", "nonce", "unconfirmed")
STEPS = [(operation, slot) for operation, slots in SLOTS.items() for slot in slots]


def state_before(operation: str, slot: str) -> dict[str, str]:
    state = dict(BEFORE[slot])
    if operation == "move" and slot in {"quantity", "confirm"}:
        state["to_location"] = "DRAWER"
    return state


def send(client, operation: str, data: dict, *, fragment: bool) -> None:
    with Watch() as watch:
        response = client.post(f"/stock/{operation}", data, **(HTMX if fragment else {}))
    judge(response, watch, f"POST /stock/{operation} {data!r:.300}")
    assert response.status_code in {200, 422}, response.status_code
    notice = response.context["notice"]
    if watch.wrote:
        assert notice and notice[0] == "success", f"wrote without saying so: {notice}"


@pytest.mark.parametrize(("operation", "slot"), STEPS)
@EXAMPLES
@given(scan=hostile_texts, fragment=st.booleans())
def test_a_hostile_scan_at_each_step(world, operation, slot, scan, fragment):
    client = browser(world.clerk)
    with rolled_back():
        send(client, operation, {**state_before(operation, slot), "scan": scan}, fragment=fragment)


@pytest.mark.parametrize("operation", SLOTS)
@EXAMPLES
@given(
    slot=st.sampled_from(["quantity", "confirm"]),
    tampered=st.dictionaries(st.sampled_from(FIELDS), hostile_form_values, min_size=1, max_size=2),
    scan=st.sampled_from(["", "5", "RES-2", "DRAWER", "LOT-1"]),
)
def test_tampered_slots(world, operation, slot, tampered, scan):
    """The slots travel in the form, so a client can send anything in them."""
    client = browser(world.clerk)
    data = {**state_before(operation, slot), "scan": scan, **tampered}
    with rolled_back():
        send(client, operation, data, fragment=True)
