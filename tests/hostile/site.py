"""The site as the URL resolver knows it: every route, the URLs of every row's pages, a crawl
of them as an admin, and the forms those pages hold. Built from the resolver and the pages, so
a new page, form or field is attacked and checked without a line here."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.urls import resolve

from accounts.models import ApiToken, OidcIdentity, User
from inventory.models import Lot, Part, PartAlternate, PartType, StorageLocation
from tests.routes import api_methods as resolver_api_methods
from tests.routes import routes as resolver_routes

# The schema is crawled with the API; its Swagger page (a static shell around it) is not.
API_PREFIXES = ("api/", "auth/", "server/", "apidoc/openapi.json")
# Django's admin is staff's, with Django's own forms, not the clerk UI.
NOT_CRAWLED = ("admin/", "apidoc/$")
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Writes whose every call goes to an OpenID provider (none answers in this suite's world):
# tests/accounts/oidc/test_hostile.py attacks them against the loopback provider instead.
NEEDS_A_PROVIDER = ("auth/oidc/",)
# The same for the UI: the browser's sign-in at a provider, and the confirmation of a link and
# the approval of a device, which only a sign-in at a provider leads to (tests/accounts/oidc/
# test_device_flow.py sends hostile codes to the device page). Their pages are still crawled.
UI_NEEDS_A_PROVIDER = ("accounts/oidc/", "account/identities/confirm", "device")


@dataclass(frozen=True)
class Route:
    pattern: str  # as the resolver writes it, e.g. "parts/<slug:ptype>/<str:ipn>/edit"
    callback: object

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(name for _converter, name in PARAM.findall(self.pattern))

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith(API_PREFIXES)

    def url(self, **values: str) -> str:
        """The path with ``values`` in the parameters, percent-encoded whatever they are."""
        return "/" + PARAM.sub(lambda m: quote(str(values[m.group(2)]), safe=""), self.pattern)


def routes() -> list[Route]:
    found = [
        route
        for route in (Route(pattern, callback) for pattern, callback in resolver_routes())
        if not any(re.match(skip, route.pattern) for skip in NOT_CRAWLED)
    ]
    return sorted(found, key=lambda route: route.pattern)


def ui_routes() -> list[Route]:
    return [route for route in routes() if not route.is_api]


def api_methods(route: Route) -> list[str]:
    return resolver_api_methods(route.callback)


def api_writes() -> list[tuple[str, Route]]:
    return [
        (method, route)
        for route in routes()
        if route.is_api and not route.pattern.startswith(NEEDS_A_PROVIDER)
        for method in api_methods(route)
        if method in WRITE_METHODS
    ]


# Pages of every row ----------------------------------------------------------------------------

LABEL_KINDS = {"labels/part/": "part", "labels/location/": "location", "labels/lot/": "lot"}
SCAN_LETTERS = {"part": "p", "location": "l", "lot": "t"}
# Query strings that show more of a page (its filters for one type, a filled label sheet).
EXTRA_QUERIES = {
    "parts": ["type=res", "type=res&info.resistance.min=1k&ordering=-info.resistance"],
    "labels/sheet": ["parts=RES-1&locations=BIN-1&lots=LOT-1"],
    "part-types/info-key-row": ["info_keys-TOTAL_FORMS=2"],
    "stock/move": ["part=RES-1&location=BIN-1"],
    "changelog": ["entity_type=part&action=update"],
    "api/v1/changelog": ["page_size=1000"],
    "api/v1/stock/movements": ["page_size=1000"],
}


def _keys(kind: str) -> list[str]:
    if kind == "part":
        return list(Part.objects.values_list("ipn", flat=True))
    if kind == "location":
        return list(StorageLocation.objects.values_list("code", flat=True))
    return list(Lot.objects.values_list("name", flat=True))


def path_values(route: Route) -> list[dict[str, str]]:
    """A value for each parameter of ``route``, once per row that has such a page."""
    params = set(route.params)
    if not params:
        return [{}]
    if params == {"ptype", "ipn", "alt_ipn"}:
        links = PartAlternate.objects.select_related("part_a__part_type", "part_b__part_type")
        return [
            {"ptype": p.part_type.slug, "ipn": p.ipn, "alt_ipn": a.ipn}
            for link in links
            for p, a in ((link.part_a, link.part_b), (link.part_b, link.part_a))
        ]
    if params == {"ptype", "ipn"}:
        parts = Part.objects.select_related("part_type")
        return [{"ptype": p.part_type.slug, "ipn": p.ipn} for p in parts]
    if params in ({"ptype"}, {"slug"}):
        (name,) = params
        return [{name: slug} for slug in PartType.objects.values_list("slug", flat=True)]
    if params == {"key", "fmt"}:
        kind = next(k for prefix, k in LABEL_KINDS.items() if route.pattern.startswith(prefix))
        return [{"key": key, "fmt": fmt} for key in _keys(kind) for fmt in ("png", "svg")]
    if params == {"kind", "key"}:
        return [{"kind": SCAN_LETTERS[k], "key": key} for k in SCAN_LETTERS for key in _keys(k)]
    single = {
        "type_id": lambda: PartType.objects.values_list("pk", flat=True),
        "code": lambda: _keys("location"),
        "name": lambda: _keys("lot"),
        "location_id": lambda: StorageLocation.objects.values_list("pk", flat=True),
        "lot_id": lambda: Lot.objects.values_list("pk", flat=True),
        "uname": lambda: User.objects.values_list("username", flat=True),
        "provider": lambda: ["corp"],
        "provider_id": lambda: ["corp"],
        "method_id": lambda: [
            "password",
            *(str(pk) for pk in OidcIdentity.objects.values_list("pk", flat=True)),
        ],
        "label": lambda: ApiToken.objects.active().values_list("label", flat=True),
        # An MPN of punctuation alone searches for nothing: a 400, not a page.
        "mpn": lambda: Part.objects.exclude(mpn_normalized="").values_list("mpn", flat=True),
        "timestamp": lambda: ["2020-01-01T00:00:00Z", "0"],
    }
    (name,) = params
    return [{name: value} for value in single[name]()]


def page_urls(route: Route, *, every_row: bool = True) -> list[str]:
    urls = [route.url(**values) for values in path_values(route)]
    extra = EXTRA_QUERIES.get(route.pattern, [])
    return urls[: None if every_row else 1] + [
        f"{url}?{query}" for url in urls[:1] for query in extra
    ]


def crawl(browser, api) -> dict[str, dict[str, int]]:
    """GET every page of every route (each row's), as an admin: {route: {url: status}}.
    Routes the API answers no GET on are left out; the UI's answer 405."""
    seen: dict[str, dict[str, int]] = {}
    for route in routes():
        if route.is_api and "GET" not in api_methods(route):
            continue
        client = api if route.is_api else browser
        seen[route.pattern] = {url: client.get(url).status_code for url in page_urls(route)}
    return seen


# Forms on the pages ------------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str  # a concrete path, as the page wrote it
    fields: dict[str, str | list[str]] = field(default_factory=dict)
    # Named submit buttons: sent only by the button clicked (e.g. "add a row").
    buttons: dict[str, str] = field(default_factory=dict)

    @property
    def route(self) -> str:
        return resolve(self.action).route


class _FormParser(HTMLParser):
    """The forms of a page with their fields and the values they would send as they are."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = "POST" if "hx-post" in a else a.get("method", "get").upper()
            action = a.get("hx-post") or a.get("action") or self.page_path
            self._form = Form(method, urlsplit(action).path or self.page_path)
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if tag == "option" and form is not None and self._select and "selected" in a:
            form.fields[self._select] = a.get("value", "")
        if form is None or not name or name == "csrfmiddlewaretoken":
            return
        if tag == "button" or (tag == "input" and a.get("type") in {"submit", "image"}):
            form.buttons[name] = a.get("value", "")
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                form.fields.setdefault(name, "")
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            elif kind not in {"button", "file"}:
                form.fields[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
            form.fields[name] = ""
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            # As a browser sends it: without the newline that follows <textarea>.
            text = self._form.fields[self._textarea]
            self._form.fields[self._textarea] = text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def forms_of(path: str, html: str) -> list[Form]:
    parser = _FormParser(urlsplit(path).path)
    parser.feed(html)
    return parser.forms


def discover_forms(browser, anonymous) -> dict[tuple[str, str], Form]:
    """Every form on every UI page, by (method, route), as an admin sees them and, for pages
    that send a signed-in admin elsewhere (the login page), as a visitor does. The first
    page's defaults win; the fields of all forms for a route are merged."""
    found: dict[tuple[str, str], Form] = {}
    for route in ui_routes():
        for url in page_urls(route, every_row=False):  # every row's page has the same forms
            response = browser.get(url)
            if response.status_code == 302:
                response = anonymous.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_of(url, response.content.decode()):
                if form.route.startswith(UI_NEEDS_A_PROVIDER):
                    continue
                key = (form.method, form.route)
                if key not in found:
                    found[key] = form
                else:
                    for name, value in form.fields.items():
                        found[key].fields.setdefault(name, value)
                    found[key].buttons.update(form.buttons)
    return found


def route_example(route: Route) -> str:
    """One page of ``route``: a row's, or made-up values when no row has one."""
    values = path_values(route)
    return route.url(**(values[0] if values else dict.fromkeys(route.params, "x")))
