"""Authorization rows for the catalogue endpoints: part types, parts, alternates."""

from config.core.actors import Actor
from inventory.catalogue import services
from inventory.models import InfoKey

from .common import at_least

PATH_VALUES = {
    "type_id": "matrix-spare",  # a type without parts, so an allowed DELETE is a 204
    "ptype": "matrix-res",
    "ipn": "MX-1",
    "alt_ipn": "MX-2",
    "mpn": "MX1",
}


def setup() -> None:
    actor = Actor.system("matrix")
    services.part_type_create(actor=actor, slug="matrix-spare", name="Spare")
    resistors = services.part_type_create(
        actor=actor,
        slug="matrix-res",
        name="Resistors",
        # Required, so that an allowed POST with an empty body is a 400.
        info_keys=[
            {"key": "resistance", "kind": InfoKey.Kind.QUANTITY, "unit": "ohm", "required": True}
        ],
    )
    first = services.part_create(
        actor=actor, part_type=resistors, ipn="MX-1", mpn="MX1", info={"resistance": "10k"}
    )
    second = services.part_create(
        actor=actor, part_type=resistors, ipn="MX-2", mpn="MX2", info={"resistance": "1k"}
    )
    services.alternate_add(actor=actor, part=first, alternate=second)


ROWS: dict[tuple[str, str], dict[str, int]] = {
    # Part types: everyone reads, managers write.
    ("GET", "/api/v1/part_types"): at_least("viewer", 200),
    ("POST", "/api/v1/part_types"): at_least("manager", 400),
    ("GET", "/api/v1/part_types/{type_id}"): at_least("viewer", 200),
    ("DELETE", "/api/v1/part_types/{type_id}"): at_least("manager", 204),
    ("GET", "/api/v1/part_types/{type_id}/info_keys"): at_least("viewer", 200),
    # Parts: everyone reads (batch is a read by POST), managers write.
    ("GET", "/api/v1/parts/{ptype}"): at_least("viewer", 200),
    ("POST", "/api/v1/parts/{ptype}"): at_least("manager", 400),
    ("GET", "/api/v1/parts/{ptype}/{ipn}"): at_least("viewer", 200),
    ("PUT", "/api/v1/parts/{ptype}/{ipn}"): at_least("manager", 200),
    ("DELETE", "/api/v1/parts/{ptype}/{ipn}"): at_least("manager", 204),
    ("POST", "/api/v1/parts/batch"): at_least("viewer", 400),
    ("GET", "/api/v1/parts/search/{mpn}"): at_least("viewer", 200),
    # Alternates: everyone reads, managers link and unlink.
    ("GET", "/api/v1/parts/{ptype}/{ipn}/alternates"): at_least("viewer", 200),
    ("POST", "/api/v1/parts/{ptype}/{ipn}/alternates"): at_least("manager", 400),
    ("DELETE", "/api/v1/parts/{ptype}/{ipn}/alternates/{alt_ipn}"): at_least("manager", 204),
}
