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
