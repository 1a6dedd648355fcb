import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_clerk_creates_an_api_token_and_sees_its_secret_once(logged_in, live_server):
    page = logged_in("clerk")
    page.goto(f"{live_server.url}/account")
    page.fill("input[name=label]", "label-printer")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("text=/wc_[A-Za-z0-9_-]{20,}/").first
    expect(secret).to_be_visible()
    token = re.search(r"wc_[A-Za-z0-9_-]+", secret.inner_text()).group(0)
    page.reload()
    expect(page.locator("body")).not_to_contain_text(token)
    expect(page.locator("body")).to_contain_text("label-printer")


def test_logging_out_returns_to_the_login_page(logged_in, live_server):
    page = logged_in("viewer")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.goto(f"{live_server.url}/account")
    expect(page).to_have_url(re.compile(r"/login\?next=/account"))


def test_a_user_changes_their_password_and_stays_signed_in(logged_in, live_server):
    page = logged_in("viewer")
    page.goto(f"{live_server.url}/account")
    page.fill("input[name=old_password]", "correct horse 42")
    page.fill("input[name=new_password]", "a much longer passphrase 7")
    page.fill("input[name=new_password_again]", "a much longer passphrase 7")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password")).to_contain_text("Your password was changed.")
    expect(page.locator("input[name=new_password]")).to_have_value("")
    page.reload()
    expect(page).to_have_url(f"{live_server.url}/account")  # still signed in

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    page.fill("input[name=username]", "e2e-viewer")
    page.fill("input[name=password]", "a much longer passphrase 7")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Recent activity")).to_be_visible()
