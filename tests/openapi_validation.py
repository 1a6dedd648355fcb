"""Every JSON answer the suite gets from /api/, /auth/ and /server/ is checked against the
OpenAPI schema the server serves (/apidoc/openapi.json), for its path, method and status: the
schema is the one definition of each response, so a response it does not describe (a status
it does not list, a field it does not have, a decimal it writes otherwise) fails the test that
received it. tests/conftest.py installs it; see :func:`check`.

OpenAPI 3.0 schemas are turned into JSON Schema once: ``nullable`` becomes a ``null`` type,
and objects with listed properties are closed (``additionalProperties: false``), since a
key the schema does not name is an undocumented one."""

import json
import re
from datetime import datetime
from functools import cache

import jsonschema
from django.conf import settings
from django.test import Client, override_settings
from django.urls import Resolver404
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

API_PREFIXES = ("/api/", "/auth/", "/server/")
SCHEMA_URL = "/apidoc/openapi.json"
BASE_URI = "urn:warecache:openapi"
ROOT_URLCONF = settings.ROOT_URLCONF  # the project's, even inside a test that overrides it
# What every decimal the API writes looks like: no padding zeros (config.core.api_fields).
PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?")
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")

formats = jsonschema.FormatChecker()


@formats.checks("decimal")
def _plain_decimal(value) -> bool:
    return not isinstance(value, str) or PLAIN_DECIMAL.fullmatch(value) is not None


@formats.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def _as_json_schema(node):
    """An OpenAPI 3.0 schema object as JSON Schema (2020-12)."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        node["$ref"] = BASE_URI + node["$ref"]
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def served_schema() -> dict:
    # Fetched with the original request method (not the checking one) and the project's URLs.
    with override_settings(ROOT_URLCONF=ROOT_URLCONF):
        response = _original_request(Client(), PATH_INFO=SCHEMA_URL, REQUEST_METHOD="GET")
    assert response.status_code == 200, f"{SCHEMA_URL} answered {response.status_code}"
    return response.json()


@cache
def _registry() -> Registry:
    document = _as_json_schema({"components": served_schema()["components"]})
    return Registry().with_resource(BASE_URI, Resource(document, specification=DRAFT202012))


@cache
def _validator(schema_json: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        _as_json_schema(json.loads(schema_json)), registry=_registry(), format_checker=formats
    )


def _validate(schema: dict, body) -> list[str]:
    validator = _validator(json.dumps(schema, sort_keys=True))
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(body)'}: {error.message}"
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    ][:5]


def _error_schema() -> dict:
    return {"$ref": "#/components/schemas/Error"}


def _template(response) -> str | None:
    """The path as the schema writes it, from the route that answered."""
    try:
        route = response.resolver_match.route  # resolved on first use
    except Resolver404:
        return None
    return "/" + ROUTE_PARAMETER.sub(r"{\1}", route) if route else None


def _is_json(response) -> bool:
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    return media_type == "application/json" or media_type.endswith("+json")


def problems(method: str, path: str, response) -> list[str]:
    """What is wrong with ``response`` to ``method path`` by the served schema (empty: all
    right)."""
    status = response.status_code
    streaming = getattr(response, "streaming", False)
    if status >= 400 and not _is_json(response):
        return [f"an error answered as {response.get('Content-Type')!r}, not JSON"]
    if method == "HEAD" or streaming:
        return []  # no body, or one the test itself reads (a download)
    body = None
    if _is_json(response) and not streaming and response.content:
        try:
            body = json.loads(response.content)
        except ValueError:
            return ["a JSON content type, but the body is not JSON"]
    if method == "OPTIONS":
        # DRF answers OPTIONS on every path (config.core.metadata); the schema has no
        # operations for it, tests/test_api_edges.py pins its body.
        return _validate(_error_schema(), body) if status >= 400 else []
    template = _template(response)
    operations = served_schema()["paths"].get(template) if template else None
    if operations is None or method.lower() not in operations:
        # No such path or method: only an error (404, 405) is a right answer.
        if status < 400:
            return [f"{status} for {method} {template or path}, which the schema does not have"]
        return _validate(_error_schema(), body)
    documented = operations[method.lower()]["responses"]
    if str(status) not in documented:
        return [f"status {status} is not documented (documented: {', '.join(documented)})"]
    content = documented[str(status)].get("content")
    if not content:
        if response.content and not streaming:
            return [f"status {status} is documented without a body, but one came"]
        return []
    if not _is_json(response):
        media_type = response.get("Content-Type", "").split(";")[0].strip()
        return [] if media_type in content else [f"{media_type!r} is not documented"]
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return ["a JSON body, but the schema documents none for this status"]
    return _validate(schema, body)


failures: list[str] = []


def _original_request(client, **request):
    return _ORIGINAL(client, **request)


_ORIGINAL = Client.request


def checking_request(client, **request):
    """``Client.request`` that checks each API answer, and records what is wrong with it."""
    response = _ORIGINAL(client, **request)
    path = request.get("PATH_INFO", "")
    if path.startswith(API_PREFIXES):
        method = request.get("REQUEST_METHOD", "GET").upper()
        for problem in problems(method, path, response):
            failures.append(f"{method} {path} → {response.status_code}: {problem}")
    return response
