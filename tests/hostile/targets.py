"""What each write looks like when it is right: a valid request per UI form and per API write,
into which the tests put one hostile value at a time. A valid base means a hostile value is
judged by the rules of its own field, not turned away because another field was missing."""

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

from .site import PARAM, Form, Route
from .world import PASSWORD, World

# UI forms --------------------------------------------------------------------------------------

FULL_SCAN = {"part": "RES-1", "location": "BIN-1", "quantity": "5", "scan": ""}
# Per route: (a path, when the page's own form would be refused as it is, e.g. deleting a part
# that has stock; the fields to change in the page's defaults).
UI_BASES: dict[str, tuple[str | None, dict[str, str]]] = {
    "login": (None, {"username": "ada", "password": PASSWORD}),
    "account/tokens": (None, {"label": "bench-printer"}),
    "account/password": (
        None,
        {
            "old_password": PASSWORD,
            "new_password": "a new long phrase 43",
            "new_password_again": "a new long phrase 43",
        },
    ),
    "locations": (None, {"name": "Bench", "code": "BENCH", "parent": "SHELF"}),
    "part-types/new": (None, {"slug": "caps", "name": "Capacitors"}),
    "part-types/<slug:slug>/delete": ("/part-types/spare/delete", {}),
    "parts/<slug:ptype>/new": ("/parts/res/new", {"mpn": "CRCW0603", "info.resistance": "4k7"}),
    "parts/<slug:ptype>/<str:ipn>/alternates": ("/parts/res/RES-1/alternates", {"ipn": "RES-3"}),
    "parts/<slug:ptype>/<str:ipn>/delete": ("/parts/res/RES-3/delete", {}),
    "locations/<str:code>/archive": ("/locations/EMPTY/archive", {}),
    # A scanner form with every slot filled commits; the nonce is left to the server, so
    # repeated sends are separate operations.
    "stock/receive": (None, {**FULL_SCAN, "lot": "LOT-7", "nonce": ""}),
    "stock/pick": (None, {**FULL_SCAN, "nonce": ""}),
    "stock/move": (None, {**FULL_SCAN, "to_location": "DRAWER", "nonce": ""}),
    "stock/count": (None, {**FULL_SCAN, "quantity": "90", "nonce": ""}),
}
# Signed out: the login form is for visitors.
ANONYMOUS_ROUTES = {"login"}


def ui_base(form: Form) -> tuple[str, dict[str, Any]]:
    """The path and body of a valid send of ``form``."""
    path, changes = UI_BASES.get(form.route, (None, {}))
    return path or form.action, {**form.fields, **changes}


# API writes ------------------------------------------------------------------------------------


@dataclass
class ApiCall:
    path_values: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    anonymous: bool = False


def api_bases(world: World) -> dict[tuple[str, str], ApiCall]:
    """A valid call of every API write, by (method, route)."""
    res, ipn = {"ptype": "res"}, {"ptype": "res", "ipn": "RES-1"}
    stock = {"ipn": "RES-1", "location": "DRAWER"}
    return {
        ("POST", "api/v1/locations"): ApiCall(
            body={"name": "Bench", "code": "BENCH", "parent": world.shelf.pk, "description": "x"}
        ),
        ("PUT", "api/v1/locations/<int:location_id>"): ApiCall(
            {"location_id": world.drawer.pk}, {"name": "Drawer 2", "code": "DRAWER"}
        ),
        ("DELETE", "api/v1/locations/<int:location_id>"): ApiCall({"location_id": world.empty.pk}),
        ("POST", "api/v1/lots"): ApiCall(
            body={"name": "LOT-2", "reference": "PO-8", "expiry_date": "2030-01-01", "tags": ["a"]}
        ),
        ("PUT", "api/v1/lots/<int:lot_id>"): ApiCall(
            {"lot_id": world.lot.pk}, {"description": "reel", "tags": ["reel"]}
        ),
        ("POST", "api/v1/part_types"): ApiCall(
            body={
                "slug": "caps",
                "name": "Capacitors",
                "ipn_prefix": "CAP",
                "info_keys": [{"key": "capacitance", "kind": "quantity", "unit": "F"}],
            }
        ),
        ("DELETE", "api/v1/part_types/<str:type_id>"): ApiCall({"type_id": world.spare.pk}),
        ("POST", "api/v1/parts/<str:ptype>"): ApiCall(
            res,
            {
                "ipn": "RES-9",
                "mpn": "CRCW0603-4K7",
                "info": {"resistance": "4k7", "tolerance": 1, "package": "0402", "smd": False},
                "tags": ["new"],
                "unit_weight_g": "0.01",
                "low_stock_threshold": "10",
                "datasheet_url": "https://example.com/ds.pdf",
            },
        ),
        ("PUT", "api/v1/parts/<str:ptype>/<str:ipn>"): ApiCall(
            ipn, {"description": "10k 1%", "info": {"series": "E96"}, "unit_of_measure": "pcs"}
        ),
        ("DELETE", "api/v1/parts/<str:ptype>/<str:ipn>"): ApiCall({**res, "ipn": "RES-3"}),
        ("POST", "api/v1/parts/<str:ptype>/<str:ipn>/alternates"): ApiCall(
            ipn, {"ipn": "RES-3", "ptype": "res", "note": "same footprint"}
        ),
        ("DELETE", "api/v1/parts/<str:ptype>/<str:ipn>/alternates/<str:alt_ipn>"): ApiCall(
            {**ipn, "alt_ipn": "RES-2"}
        ),
        ("POST", "api/v1/parts/batch"): ApiCall(body={"keys": [{"ptype": "res", "ipn": "RES-1"}]}),
        ("POST", "api/v1/stock/add"): ApiCall(
            body={
                **stock,
                "quantity": "5",
                "new_lot": {"name": "LOT-9", "reference": "PO-9"},
                "unit_price": "0.01",
                "currency": "EUR",
                "comment": "restock",
            }
        ),
        ("POST", "api/v1/stock/adjust"): ApiCall(body={**stock, "counted": "38", "comment": "n"}),
        ("POST", "api/v1/stock/move"): ApiCall(
            body={
                "ipn": "RES-1",
                "from_location": "BIN-1",
                "to_location": "EMPTY",
                "quantity": "3",
                "lot": "LOT-1",
            }
        ),
        ("POST", "api/v1/stock/remove"): ApiCall(body={**stock, "quantity": "2"}),
        ("POST", "api/v1/stock/status"): ApiCall(
            body={**stock, "quantity": "2", "from_status": "on_hand", "to_status": "reserved"}
        ),
        ("POST", "api/v1/tokens"): ApiCall(
            body={"label": "ci-runner", "expires_at": "2030-01-01T00:00:00Z"}
        ),
        ("DELETE", "api/v1/tokens/<str:label>"): ApiCall({"label": "printer"}),
        ("POST", "api/v1/users"): ApiCall(
            body={
                "username": "newbie",
                "password": "a long pass phrase 42",
                "email": "newbie@example.com",
                "role": "clerk",
            }
        ),
        ("PUT", "api/v1/users/<str:uname>"): ApiCall(
            {"uname": "vera"}, {"first_name": "Vera", "email": "vera@example.com"}
        ),
        ("DELETE", "api/v1/users/<str:uname>"): ApiCall({"uname": "vera"}),
        ("PUT", "api/v1/users/<str:uname>/passwd"): ApiCall(
            {"uname": "vera"}, {"new_password": "another long phrase 43"}
        ),
        ("PUT", "api/v1/users/<str:uname>/role"): ApiCall({"uname": "vera"}, {"role": "clerk"}),
        ("POST", "api/v1/users/<str:uname>/auth-methods"): ApiCall(
            {"uname": "vera"}, {"provider": "corp", "subject": "vera@corp", "email": "v@corp.com"}
        ),
        ("DELETE", "api/v1/users/<str:uname>/auth-methods/<str:method_id>"): ApiCall(
            {"uname": "vera", "method_id": str(world.vera_identity.pk)}
        ),
        ("POST", "auth/login"): ApiCall(
            body={"username": "ada", "password": PASSWORD}, anonymous=True
        ),
    }


def schema_fields(openapi: dict, method: str, route: Route) -> list[str]:
    """The request body's fields as the OpenAPI schema documents them, nested ones dotted
    (``new_lot.name``, ``info_keys.0.key``)."""
    path = "/" + PARAM.sub(lambda m: "{" + m.group(2) + "}", route.pattern)
    operation = openapi["paths"].get(path, {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _properties(openapi, schema, "") if schema else []


def _resolve(openapi: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema and len(schema[combined]) == 1:
            return _resolve(openapi, schema[combined][0])
    return schema


def _properties(openapi: dict, schema: dict, prefix: str, depth: int = 0) -> list[str]:
    schema = _resolve(openapi, schema)
    names = []
    for name, sub in schema.get("properties", {}).items():
        if sub.get("readOnly"):
            continue
        names.append(prefix + name)
        sub = _resolve(openapi, sub)
        if depth < 2 and sub.get("type") == "array" and "items" in sub:
            names += _properties(openapi, sub["items"], f"{prefix}{name}.0.", depth + 1)
        elif depth < 2 and "properties" in sub:
            names += _properties(openapi, sub, f"{prefix}{name}.", depth + 1)
    return names


def leaf_paths(value: Any, prefix: str = "") -> list[str]:
    """Every value's dotted path in a body: ``info.resistance``, ``keys.0.ipn``."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return [prefix.rstrip(".")] if prefix else []
    paths = [prefix.rstrip(".")] if prefix else []
    for key, item in items:
        paths += leaf_paths(item, f"{prefix}{key}.")
    return paths


def with_value(body: Any, path: str, value: Any) -> Any:
    """A copy of ``body`` with ``value`` at the dotted ``path`` (``new_lot.name``,
    ``keys.0.ipn``), made where it is missing or of another shape (a string or a list where
    the path needs an object becomes an object)."""
    keys = path.split(".")
    root: Any = copy.deepcopy(body) if isinstance(body, dict) else {}
    node = root
    for key, following in itertools.pairwise(keys):
        shape = list if following.isdigit() else dict
        if isinstance(node, list):
            index = int(key)
            node.extend([None] * (index + 1 - len(node)))
            if not isinstance(node[index], shape):
                node[index] = shape()
            node = node[index]
        else:
            if not isinstance(node.get(key), shape):
                node[key] = shape()
            node = node[key]
    last = keys[-1]
    if isinstance(node, list):
        node.extend([None] * (int(last) + 1 - len(node)))
        node[int(last)] = value
    else:
        node[last] = value
    return root
