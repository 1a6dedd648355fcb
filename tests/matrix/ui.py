"""Authorization rows of the clerk UI: every UI URL of the resolver, each method it answers,
each kind of caller → the status it gets. Anonymous callers are sent to log in (302); a role
below the page's gets 403; the rest get the page (200), a refused empty form (422) or the
redirect that follows a write (302). tests/test_ui_authorization.py checks that every UI
route has rows here, and each row against the running site."""

from inventory.models import Lot, StorageLocation
from tests.factories import PartFactory, PartTypeFactory

ROLES = ("viewer", "clerk", "manager", "admin")
ACTORS = ("anonymous", *ROLES)

# Values for the routes' parameters; setup() creates what they name.
PATH_VALUES = {
    "ptype": "resistor",
    "ipn": "RES-00001",
    "alt_ipn": "RES-00002",
    "slug": "resistor",
    "code": "UI-A1",
    "name": "UI-LOT-1",
    "key": "RES-00001",
    "fmt": "svg",
    "kind": "p",
    "label": "no-such-token",
    "provider_id": "corp",  # settings_test's provider, whose issuer does not answer
    "method_id": "password",
}
# Routes whose parameters need other values than PATH_VALUES gives.
ROUTE_VALUES = {
    "labels/location/<str:key>.<labelfmt:fmt>": {"key": "UI-A1"},
    "labels/lot/<path:key>.<labelfmt:fmt>": {"key": "UI-LOT-1"},
}


def setup() -> None:
    resistor = PartTypeFactory(slug="resistor", ipn_prefix="RES")
    PartFactory(part_type=resistor, ipn="RES-00001")
    PartFactory(part_type=resistor, ipn="RES-00002")
    StorageLocation.objects.create(name="UI A1", code="UI-A1", path="UI A1")
    Lot.objects.create(name="UI-LOT-1")


def _row(minimum: str, allowed: int, *, anonymous: int = 302) -> dict[str, int]:
    row = {"anonymous": anonymous}
    for rank, role in enumerate(ROLES):
        row[role] = allowed if rank >= ROLES.index(minimum) else 403
    return row


def viewer(allowed: int = 200) -> dict[str, int]:
    return _row("viewer", allowed)


def clerk(allowed: int) -> dict[str, int]:
    return _row("clerk", allowed)


def manager(allowed: int) -> dict[str, int]:
    return _row("manager", allowed)


def everyone(status: int) -> dict[str, int]:
    """A step of signing in (@public_page): the same answer for anonymous and every role."""
    return dict.fromkeys(ACTORS, status)


PUBLIC_ROUTES = {"login", "logout"}  # Django's own views: anyone may sign in or out

# Only the methods a route answers: the others are 405 for everyone, before any check.
ROWS: dict[str, dict[str, dict[str, int]]] = {
    # Home and the account: every signed-in user.
    "": {"GET": viewer()},
    "account": {"GET": viewer()},
    "account/password": {"POST": viewer(422)},  # an empty form is refused in place
    "account/tokens": {"POST": viewer(422)},
    "account/tokens/<str:label>/revoke": {"POST": viewer(302)},  # back to the account page
    # Linked identities: nothing waits to be confirmed, and the password is the last way in;
    # both go back to the account page with a message.
    "account/identities/confirm": {"GET": viewer(302), "POST": viewer(302)},
    "account/identities/<str:method_id>/unlink": {"POST": viewer(302)},
    # The browser's OpenID login (allauth): a page with one button, whose POST goes to the
    # provider (here one that does not answer: a page saying so, 502); a callback without a
    # login in progress is refused with a page.
    "accounts/oidc/<str:provider_id>/login/": {"GET": everyone(200), "POST": everyone(502)},
    "accounts/oidc/<str:provider_id>/login/callback/": {"GET": everyone(400)},
    # Approving a device's sign-in: the page asks for the code; an empty form is refused.
    "device": {"GET": viewer(), "POST": viewer(422)},
    "changelog": {"GET": viewer()},
    # The catalogue: everyone reads, managers edit.
    "parts": {"GET": viewer()},
    "parts/manufacturers": {"GET": viewer()},
    "parts/<slug:ptype>/new": {"GET": manager(200), "POST": manager(422)},
    "parts/<slug:ptype>/<str:ipn>": {"GET": viewer()},
    "parts/<slug:ptype>/<str:ipn>/edit": {"GET": manager(200), "POST": manager(422)},
    "parts/<slug:ptype>/<str:ipn>/delete": {"GET": manager(200), "POST": manager(302)},
    "parts/<slug:ptype>/<str:ipn>/alternates": {"POST": manager(422)},
    "parts/<slug:ptype>/<str:ipn>/alternates/<str:alt_ipn>/remove": {"POST": manager(302)},
    "part-types": {"GET": viewer()},
    "part-types/new": {"GET": manager(200), "POST": manager(422)},
    "part-types/info-key-row": {"GET": manager(400)},  # without its query string
    "part-types/<slug:slug>/edit": {"GET": manager(200), "POST": manager(422)},
    "part-types/<slug:slug>/delete": {"POST": manager(302)},
    # Stock: everyone sees the scanner pages and reports, clerks move stock.
    "stock/receive": {"GET": viewer(), "POST": clerk(200)},
    "stock/pick": {"GET": viewer(), "POST": clerk(200)},
    "stock/move": {"GET": viewer(), "POST": clerk(200)},
    "stock/count": {"GET": viewer(), "POST": clerk(200)},
    "stock/low": {"GET": viewer()},
    # Locations and lots: everyone browses, managers arrange.
    "locations": {"GET": viewer(), "POST": manager(422)},
    "locations/<str:code>": {"GET": viewer()},
    "locations/<str:code>/edit": {"GET": manager(200), "POST": manager(422)},
    "locations/<str:code>/archive": {"POST": manager(302)},
    "lots/<path:name>": {"GET": viewer()},
    # Labels: everyone prints; a label's URL leads to its page.
    "labels/sheet": {"GET": viewer()},
    "labels/part/<str:key>.<labelfmt:fmt>": {"GET": viewer()},
    "labels/location/<str:key>.<labelfmt:fmt>": {"GET": viewer()},
    "labels/lot/<path:key>.<labelfmt:fmt>": {"GET": viewer()},
    "s/<str:kind>/<path:key>": {"GET": viewer(302)},
}
