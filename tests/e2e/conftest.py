"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against a live
server. Never a downloaded browser: .ci/run installs the chromium package."""

import os
import shutil

import pytest

from tests.conftest import make_user

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body (arranging data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def logged_in(page, live_server, transactional_db):
    """``logged_in(role)``: a page logged in through the real login form as a new user."""

    def login(role: str = "clerk"):
        make_user(f"e2e-{role}", role)
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", f"e2e-{role}")
        page.fill("input[name=password]", "correct horse 42")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return login
