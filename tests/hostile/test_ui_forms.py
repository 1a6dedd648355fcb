"""Every form of the clerk UI, and every page's query string and path, with hostile values.
The routes come from the URL resolver and the forms and their fields from the pages
themselves (tests/hostile/site.py), so a new page or field is attacked without a line here."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st

from . import site
from .checks import ANY_CACHE_KEY, EXAMPLES, Watch, judge
from .targets import ANONYMOUS_ROUTES, UI_BASES, ui_base
from .values import hostile_form_values
from .world import browser, rolled_back

HTMX = {"HTTP_HX_REQUEST": "true"}
pytestmark = ANY_CACHE_KEY
# Query parameters any list page might read, besides its form's fields.
COMMON_QUERY = ("page", "q", "ordering", "page_size")
UNKNOWN = "zz_not_a_field"


def _pages(route: site.Route, forms: dict) -> list[tuple[str, str, dict, list[str]]]:
    """(method, path, base body, buttons) of everything ``route`` answers: its forms, valid
    as far as tests/hostile/targets.py makes them, and a plain GET of one of its pages."""
    sends = []
    for method in ("GET", "POST"):
        form = forms.get((method, route.pattern))
        if form is not None:
            sends.append((method, *ui_base(form), sorted(form.buttons)))
    if not any(method == "GET" for method, *_ in sends):
        sends.append(("GET", _a_page(route, forms), {}, []))
    return sends


def _a_page(route: site.Route, forms: dict) -> str:
    for (_method, pattern), form in forms.items():
        if pattern == route.pattern:
            return form.action
    return site.route_example(route)


@pytest.mark.parametrize("route", site.ui_routes(), ids=lambda route: route.pattern or "/")
@EXAMPLES
@given(data=st.data())
def test_hostile_values_in_every_ui_form_query_and_path(world, forms, route, data):
    method, path, base, buttons = data.draw(st.sampled_from(_pages(route, forms)), label="send")
    names = sorted({*base, *buttons, UNKNOWN, *(COMMON_QUERY if method == "GET" else ())})
    targets = names + [f"path:{param}" for param in route.params]
    chosen = data.draw(st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True))
    body, path_values = dict(base), resolve(urlsplit(path).path).kwargs
    for name in chosen:
        value = data.draw(hostile_form_values, label=name)
        if name.startswith("path:"):
            path_values[name.removeprefix("path:")] = value if isinstance(value, str) else value[0]
        else:
            body[name] = value
    if route.params:
        path = route.url(**path_values)
    fragment = data.draw(st.booleans(), label="htmx")
    client = Client() if route.pattern in ANONYMOUS_ROUTES else browser(world.admin)
    with rolled_back(), Watch() as watch:
        send = client.post if method == "POST" else client.get
        response = send(path, body, **(HTMX if fragment else {}))
    judge(response, watch, f"{method} {path} {body!r:.300}")
    if method == "GET":
        assert not watch.wrote, f"GET {path} wrote {watch.changes}"


def test_every_ui_route_that_takes_a_post_has_a_form(world, forms):
    """A route answering POST is attacked through the form its page shows; one without a
    form anywhere would go unattacked, so it fails here until a page shows it."""
    posting = set()
    for route in site.ui_routes():
        if route.pattern.startswith(site.UI_NEEDS_A_PROVIDER):
            continue
        with rolled_back():  # a fresh admin each time: one of these routes signs out
            if browser(world.admin).post(site.route_example(route)).status_code != 405:
                posting.add(route.pattern)
    found = {pattern for method, pattern in forms if method == "POST"}
    assert posting - found == set(), "routes that take a POST but no page shows a form for"
    assert set(UI_BASES) <= found, "tests/hostile/targets.py names forms that are gone"


def test_every_ui_form_is_accepted_as_the_tests_send_it(world, forms):
    """The base of each attack is a valid send, so a hostile value meets its field's rules."""
    refused = {}
    for (method, pattern), form in sorted(forms.items()):
        if method != "POST":
            continue
        path, body = ui_base(form)
        client = Client() if pattern in ANONYMOUS_ROUTES else browser(world.admin)
        with rolled_back():
            response = client.post(path, body)
        if response.status_code >= 400:
            refused[pattern] = (response.status_code, _errors(response))
    assert refused == {}


def _errors(response) -> str:
    form = response.context.get("form") if response.context else None
    return str(form.errors) if form is not None else response.content[:300].decode()
