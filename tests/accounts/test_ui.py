"""The browser UI of accounts: login, home, the account page with its password form and API
tokens, the admin."""

import re
from datetime import timedelta

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, User, hash_api_token
from config.core.actors import Actor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"
SECRET = re.compile(r"wc_[A-Za-z0-9_-]{40,}")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clerk_user(django_user_model):
    return django_user_model.objects.create_user(username="clara", password=PASSWORD, role="clerk")


@pytest.fixture
def clerk_client(client, clerk_user):
    client.force_login(clerk_user)
    return client


def issue_token(user, label="ci-runner", **extra):
    return services.api_token_create(actor=Actor.system("tests"), user=user, label=label, **extra)


# Login, logout, home -----------------------------------------------------------------------


def test_login_page_renders_a_form_with_csrf(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


def test_login_with_the_right_password_redirects_home(client, clerk_user):
    response = client.post(reverse("login"), {"username": "clara", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_with_a_wrong_password_shows_an_error(client, clerk_user):
    response = client.post(reverse("login"), {"username": "clara", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_THROTTLE={"window_seconds": 300, "per_username": 2, "per_address": 100})
def test_login_page_is_throttled_like_the_api(client, clerk_user):
    for _ in range(2):
        client.post(reverse("login"), {"username": "clara", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clara", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('home')}"


def test_home_shows_the_user_and_role_in_the_navbar(clerk_client):
    html = clerk_client.get(reverse("home")).content.decode()
    assert "clara" in html
    assert "Clerk" in html
    assert reverse("admin:index") not in html  # not staff


def test_pages_load_only_vendored_assets(clerk_client):
    """Every script and stylesheet comes from this server's /static/ (no CDN: the UI works
    offline on a closed shop-floor network). Found by tag, not by searching the page for
    "cdn", which a random CSRF token can contain."""
    html = clerk_client.get(reverse("account")).content.decode()
    scripts = re.findall(r"<script\b[^>]*\bsrc=[\"']([^\"']+)", html)
    stylesheets = re.findall(r"<link\b[^>]*\bhref=[\"']([^\"']+)", html)
    assert "/static/vendor/htmx/htmx.min.js" in scripts
    assert "/static/vendor/bootstrap/bootstrap.min.css" in stylesheets
    assert all(url.startswith("/static/") for url in scripts + stylesheets), scripts + stylesheets
    assert "onclick" not in html.lower()


def test_logout_is_a_post_that_ends_the_session(clerk_client):
    response = clerk_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in clerk_client.session


def test_unknown_page_is_the_html_404(clerk_client):
    response = clerk_client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_any_context():
    assert "Something went wrong" in get_template("500.html").render()


# The account page and its tokens -----------------------------------------------------------


def test_account_requires_login(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_account_lists_live_tokens_by_hint_and_never_shows_hash_or_secret(clerk_client, clerk_user):
    token, secret = issue_token(clerk_user)
    gone, _ = issue_token(clerk_user, label="old-script")
    services.api_token_revoke(actor=Actor.system("tests"), user=clerk_user, label="old-script")

    response = clerk_client.get(reverse("account"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "ci-runner" in html
    assert f"wc_{token.hint}…" in html
    assert "old-script" not in html
    assert token.token_hash not in html
    assert gone.token_hash not in html
    assert secret not in html


def test_creating_a_token_shows_its_secret_once(clerk_client, clerk_user):
    response = clerk_client.post(reverse("account-token-create"), {"label": "ci-runner"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "will not be shown again" in html
    [secret] = set(SECRET.findall(html))
    token = ApiToken.objects.get(user=clerk_user, label="ci-runner")
    assert token.token_hash == hash_api_token(secret)
    assert token.token_hash not in html
    # Not kept anywhere for later: the next page and the session do not have it.
    assert secret not in clerk_client.get(reverse("account")).content.decode()
    assert secret not in str(dict(clerk_client.session))


def test_creating_a_token_with_htmx_returns_the_token_section(clerk_client, clerk_user):
    response = clerk_client.post(
        reverse("account-token-create"),
        {
            "label": "printer",
            "expires_at": (timezone.now() + timedelta(days=30)).date().isoformat(),
        },
        **HTMX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="api-tokens"' in html
    [secret] = set(SECRET.findall(html))
    token = ApiToken.objects.get(user=clerk_user, label="printer")
    assert token.token_hash == hash_api_token(secret)
    assert token.expires_at is not None


def test_a_bad_label_is_an_inline_error_and_creates_nothing(clerk_client):
    response = clerk_client.post(reverse("account-token-create"), {"label": "bad label!"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Use up to 64 letters, digits, underscores, dots or hyphens." in html
    assert "is-invalid" in html
    assert not ApiToken.objects.exists()
    assert not SECRET.search(html)


def test_a_duplicate_label_shows_the_service_error_at_the_field(clerk_client, clerk_user):
    issue_token(clerk_user, label="ci-runner")

    response = clerk_client.post(reverse("account-token-create"), {"label": "ci-runner"}, **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "A live token with this label exists." in html
    assert "is-invalid" in html
    assert ApiToken.objects.filter(user=clerk_user).count() == 1


def test_an_expiry_in_the_past_shows_the_service_error_at_the_field(clerk_client):
    response = clerk_client.post(
        reverse("account-token-create"), {"label": "ci-runner", "expires_at": "2001-01-01"}
    )

    assert response.status_code == 422
    assert "Must be in the future." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_removes_it_from_the_page(clerk_client, clerk_user):
    token, _ = issue_token(clerk_user)

    response = clerk_client.post(reverse("account-token-revoke", args=["ci-runner"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    token.refresh_from_db()
    assert token.revoked_at is not None
    html = clerk_client.get(reverse("account")).content.decode()
    assert "revoked" in html  # the flash message
    assert f"wc_{token.hint}…" not in html


def test_revoking_with_htmx_returns_the_section_without_the_token(clerk_client, clerk_user):
    token, _ = issue_token(clerk_user)

    response = clerk_client.post(reverse("account-token-revoke", args=["ci-runner"]), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="api-tokens"' in html
    assert f"wc_{token.hint}…" not in html


def test_revoke_is_post_only(clerk_client, clerk_user):
    issue_token(clerk_user)
    response = clerk_client.get(reverse("account-token-revoke", args=["ci-runner"]))
    assert response.status_code == 405
    assert ApiToken.objects.active().count() == 1


def test_nobody_can_revoke_another_users_token(clerk_client, django_user_model):
    other = django_user_model.objects.create_user(username="otto", password=PASSWORD)
    issue_token(other, label="ci-runner")

    response = clerk_client.post(reverse("account-token-revoke", args=["ci-runner"]), **HTMX)

    assert response.status_code == 422
    assert "No live token labelled" in response.content.decode()
    assert ApiToken.objects.get(user=other).revoked_at is None


# Changing one's password ------------------------------------------------------------------

NEW_PASSWORD = "a much longer passphrase 7"


def change_password(client, old=PASSWORD, new=NEW_PASSWORD, again=None, **extra):
    return client.post(
        reverse("account-password"),
        {"old_password": old, "new_password": new, "new_password_again": again or new},
        **extra,
    )


def test_the_account_page_has_a_password_form(clerk_client):
    html = clerk_client.get(reverse("account")).content.decode()
    assert 'id="password"' in html
    assert f'action="{reverse("account-password")}"' in html
    for name, autocomplete in [
        ("old_password", "current-password"),
        ("new_password", "new-password"),
        ("new_password_again", "new-password"),
    ]:
        assert f'type="password" name="{name}" autocomplete="{autocomplete}"' in html
    assert "at least 8 characters" in html  # Django's validators explain themselves


def test_changing_the_password_keeps_this_session_signed_in(clerk_client, clerk_user):
    response = change_password(clerk_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(NEW_PASSWORD)
    page = clerk_client.get(reverse("account"))
    assert page.status_code == 200  # still signed in
    assert "Your password was changed." in page.content.decode()


def test_changing_the_password_signs_out_other_sessions(client, clerk_user):
    from django.test import Client

    client.force_login(clerk_user)
    elsewhere = Client()
    elsewhere.force_login(clerk_user)

    change_password(client)

    response = elsewhere.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password_with_htmx_returns_the_section(clerk_client, clerk_user):
    response = change_password(clerk_client, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="password"')
    assert "Your password was changed." in html
    assert NEW_PASSWORD not in html and PASSWORD not in html
    assert clerk_client.get(reverse("account")).status_code == 200


def test_the_change_reaches_the_changelog_without_the_password(clerk_client):
    from config.core.models import ChangelogEntry

    change_password(clerk_client)

    entry = ChangelogEntry.objects.get(entity_type="user", entity_key="clara", action="update")
    assert entry.changes == {"password": ["***", "***"]}
    assert entry.actor_name == "clara"


def test_a_wrong_current_password_is_refused_at_its_field(clerk_client, clerk_user):
    response = change_password(clerk_client, old="not my password", **HTMX)

    assert response.status_code == 422
    html = response.content.decode()
    assert "The current password is wrong." in html
    assert "is-invalid" in html
    assert "not my password" not in html and NEW_PASSWORD not in html
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(PASSWORD)


def test_two_different_new_passwords_are_refused(clerk_client, clerk_user):
    response = change_password(clerk_client, again="a much longer passphrase 8")

    assert response.status_code == 422
    html = response.content.decode()
    assert "The two new passwords differ." in html
    assert "<html" in html  # without htmx, the whole account page
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short7", "This password is too short."),
        ("password123", "This password is too common."),
        ("48151623421", "This password is entirely numeric."),
        ("clara123", "The password is too similar to the username."),
    ],
)
def test_a_new_password_djangos_validators_refuse_is_refused(
    clerk_client, clerk_user, new, message
):
    response = change_password(clerk_client, new=new, **HTMX)

    assert response.status_code == 422
    assert message in response.content.decode()
    clerk_user.refresh_from_db()
    assert clerk_user.check_password(PASSWORD)


def test_an_empty_form_is_refused_field_by_field(clerk_client):
    response = clerk_client.post(reverse("account-password"), {}, **HTMX)
    assert response.status_code == 422
    assert response.content.decode().count("This field is required.") == 3


def test_changing_the_password_needs_a_signed_in_post(client, clerk_client):
    assert clerk_client.get(reverse("account-password")).status_code == 405
    client.logout()
    response = change_password(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# The admin ---------------------------------------------------------------------------------


def test_admin_token_changelist_and_change_page_never_show_the_hash(admin_client, clerk_user):
    token, secret = issue_token(clerk_user)

    changelist = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    change = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))

    for response in (changelist, change):
        assert response.status_code == 200
        html = response.content.decode()
        assert "ci-runner" in html
        assert token.token_hash not in html
        assert secret not in html
        assert "token_hash" not in html


def test_admin_cannot_add_tokens(admin_client):
    changelist = admin_client.get(reverse("admin:accounts_apitoken_changelist"))
    assert reverse("admin:accounts_apitoken_add") not in changelist.content.decode()
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_admin_action_revokes_the_selected_tokens(admin_client, clerk_user):
    first, _ = issue_token(clerk_user, label="one")
    second, _ = issue_token(clerk_user, label="two")
    issue_token(clerk_user, label="three")

    response = admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]},
    )

    assert response.status_code == 302
    assert set(ApiToken.objects.active().values_list("label", flat=True)) == {"three"}


def test_admin_user_list_shows_roles(admin_client, clerk_user):
    response = admin_client.get(reverse("admin:accounts_user_changelist") + "?role__exact=clerk")
    assert response.status_code == 200
    assert "clara" in response.content.decode()


def test_admin_edits_of_a_user_reach_the_changelog(client, db):
    from config.core.models import ChangelogEntry
    from tests.conftest import make_user

    root = make_user("root", "admin", is_staff=True, is_superuser=True)
    make_user("vera", "viewer")
    client.force_login(root)
    vera = User.objects.get(username="vera")
    page = client.get(f"/admin/accounts/user/{vera.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "role": "clerk",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "is_active": "on",
            "username": "vera",
            "password": vera.password,
        }
    )
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(f"/admin/accounts/user/{vera.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = ChangelogEntry.objects.get(entity_type="user", entity_key="vera", action="update")
    assert entry.changes["role"] == ["viewer", "clerk"]
    assert entry.actor_name == "root"


def test_admin_cannot_demote_the_last_admin(client, db):
    from tests.conftest import make_user

    root = make_user("root", "admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    data = {
        "username": "root",
        "role": "viewer",
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "password": root.password,
    }
    response = client.post(f"/admin/accounts/user/{root.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the refusal
    assert "last active admin" in response.content.decode()
    root.refresh_from_db()
    assert root.is_superuser


def test_the_admin_is_branded_warecache(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Warecache administration" in html
    assert "Warecache admin</title>" in html
    assert "Django administration" not in html and "Django site admin" not in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_admin_spells_api_tokens(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert ">API tokens<" in html
    assert "Api tokens" not in html
    changelist = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "Select API token to change" in changelist


def test_the_admin_offers_no_groups_roles_decide(admin_client, clerk_user):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "/admin/auth/group/" not in index
    assert admin_client.get("/admin/auth/group/").status_code == 404
    change = admin_client.get(reverse("admin:accounts_user_change", args=[clerk_user.pk]))
    assert change.status_code == 200
    assert 'name="groups"' not in change.content.decode()
    assert 'name="role"' in change.content.decode()
