"""After hostile values were accepted, the whole site still renders: every UI page and every
API list and detail of every row, as an admin, and the ledger checks out. The values that
pass validation (RTL and combining text, emoji, markup, 10,000 characters, a barcode as a
name) are sent through every form and every API write first, and stay."""

import re

from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User

from . import site
from .checks import ANY_CACHE_KEY, Watch, judge, ledger_is_consistent
from .targets import ANONYMOUS_ROUTES, api_bases, leaf_paths, ui_base, with_value
from .values import SURVIVORS, encode
from .world import api_client, browser

pytestmark = ANY_CACHE_KEY

# Pages that answer an admin's GET with something else than the page, by design.
NOT_A_PAGE = {
    "login": 302,  # a signed-in user is sent on
    "s/<str:kind>/<path:key>": 302,  # a label's URL redirects to its page
    "part-types/info-key-row": 400,  # a fragment that needs the formset's row count
    # Steps of signing in through an OpenID provider, reached only from one: without the
    # provider's redirect (or a pending link, or a redirect_uri) they refuse or send back.
    "account/identities/confirm": 302,
    "accounts/oidc/<str:provider_id>/login/callback/": 400,
    "auth/oidc/<str:provider>/login": 400,
}
# Writes that take away the rows whose pages are to be rendered, or sign the admin out; and
# passwords, which no page shows.
NOT_SURVIVED = ("delete", "remove", "revoke", "archive", "logout", "passw", "role")
# Formset bookkeeping and row removal, not values anybody sees.
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS", "DELETE", "nonce")
# Rows of a formset past the first two (an existing one and an empty one) take the same path.
LATER_ROWS = re.compile(r"-([2-9]|\d\d+)-")


def assert_every_page_renders(world, forms) -> None:
    post_only = {pattern for method, pattern in forms if method == "POST"}
    admin = User.objects.get(pk=world.admin.pk)  # as the writes left it
    seen = site.crawl(browser(admin), api_client(admin))
    broken = {}
    for pattern, statuses in seen.items():
        for url, status in statuses.items():
            expected = NOT_A_PAGE.get(pattern, 200)
            if status == 405 and pattern in post_only:
                continue  # a form's target, attacked in test_ui_forms.py
            if status != expected and not (expected == 400 and status == 200):
                broken[url] = status
    assert broken == {}
    ledger_is_consistent()


def _values(index: int) -> list[str]:
    # One survivor per field, in turn: each lands in many fields without every field taking
    # every survivor.
    return [SURVIVORS[index % len(SURVIVORS)]]


def test_every_page_renders_after_hostile_values_were_accepted(world, forms):
    admin, api = browser(world.admin), api_client(world.admin)
    index = 0
    for (method, pattern), form in sorted(forms.items()):
        if method != "POST" or any(word in pattern for word in NOT_SURVIVED):
            continue
        client = Client() if pattern in ANONYMOUS_ROUTES else admin
        path, base = ui_base(form)
        for name in sorted(base):
            if name.endswith(MANAGEMENT) or LATER_ROWS.search(name):
                continue
            for value in _values(index := index + 1):
                with Watch() as watch:
                    response = client.post(path, {**base, name: value})
                judge(response, watch, f"POST {path} {name}={value[:80]!r}")
    for (method, pattern), call in sorted(api_bases(world).items()):
        if method == "DELETE" or any(word in pattern for word in NOT_SURVIVED):
            continue
        route = next(r for m, r in site.api_writes() if (m, r.pattern) == (method, pattern))
        client = APIClient() if call.anonymous else api
        for name in leaf_paths(call.body):
            for value in _values(index := index + 1):
                body = encode(with_value(call.body, name, value))
                with Watch() as watch:
                    response = client.generic(
                        method, route.url(**call.path_values), body, "application/json"
                    )
                judge(response, watch, f"{method} {pattern} {name}={value[:80]!r}")
    assert_every_page_renders(world, forms)
