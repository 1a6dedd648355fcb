"""Every write of the API (POST, PUT, PATCH, DELETE under /api/v1/ and /auth/, from the URL
resolver) with hostile values in each field of a valid body, in the path, in the
Idempotency-Key header, or as the whole body. The fields come from the OpenAPI schema and
the body, so a new field is attacked without a line here."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from . import site
from .checks import ANY_CACHE_KEY, EXAMPLES, Watch, judge
from .targets import api_bases, leaf_paths, schema_fields, with_value
from .values import encode, hostile_json, hostile_texts
from .world import api_client, rolled_back

WRITES = site.api_writes()
pytestmark = ANY_CACHE_KEY
WHOLE_BODY = "<body>"
IDEMPOTENCY_KEY = "header:Idempotency-Key"
UNKNOWN = "zz_not_a_field"


def test_every_api_write_has_a_valid_call_to_attack(world):
    assert {(method, route.pattern) for method, route in WRITES} == set(api_bases(world))


def test_every_valid_call_is_accepted(world):
    """The base of each attack is a valid call, so a hostile value meets its field's rules."""
    refused = {}
    for method, route in WRITES:
        call = api_bases(world)[(method, route.pattern)]
        client = APIClient() if call.anonymous else api_client(world.admin)
        with rolled_back():
            response = client.generic(
                method, route.url(**call.path_values), encode(call.body or {}), "application/json"
            )
        if response.status_code >= 400:
            refused[f"{method} {route.pattern}"] = response.content[:300]
    assert refused == {}


@pytest.mark.parametrize(
    ("method", "route"), WRITES, ids=[f"{method} {route.pattern}" for method, route in WRITES]
)
@EXAMPLES
@given(data=st.data())
def test_hostile_values_in_every_api_write(world, openapi, method, route, data):
    call = api_bases(world)[(method, route.pattern)]
    body = call.body or {}
    fields = sorted({*schema_fields(openapi, method, route), *leaf_paths(body), UNKNOWN})
    targets = [*fields, *(f"path:{p}" for p in route.params), IDEMPOTENCY_KEY, WHOLE_BODY]
    chosen = data.draw(st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True))
    path_values, headers = dict(call.path_values), {}
    for name in sorted(chosen, key=lambda name: name == WHOLE_BODY):  # the whole body last
        if name.startswith("path:"):
            path_values[name.removeprefix("path:")] = data.draw(hostile_texts, label=name)
        elif name == IDEMPOTENCY_KEY:
            headers["HTTP_IDEMPOTENCY_KEY"] = data.draw(hostile_texts, label=name)
        elif name == WHOLE_BODY:
            body = data.draw(hostile_json, label=name)
        else:
            body = with_value(body, name, data.draw(hostile_json, label=name))
    client = APIClient() if call.anonymous else api_client(world.admin)
    path = route.url(**path_values)
    with rolled_back(), Watch() as watch:
        response = client.generic(method, path, encode(body), "application/json", **headers)
    judge(response, watch, f"{method} {path} {encode(body)[:300]} {headers}")
    if response.status_code >= 400:
        assert {"detail", "code"} <= set(response.json()), response.content[:300]
