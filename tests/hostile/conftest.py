import pytest
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from . import site
from .world import browser, build_world, rolled_back


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, forms):
    """One world per module, in a transaction held open around its tests (what
    ``TestCase.setUpTestData`` does): each test's own transaction, and each example's
    savepoint, is undone inside it, so every test starts from the same world. After
    ``forms``, which builds its own world and must not find this one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db):
    return _module_world


@pytest.fixture(scope="session")
def forms(django_db_setup, django_db_blocker) -> dict[tuple[str, str], site.Form]:
    """The forms of every page of a fresh world, found once for the whole run."""
    with django_db_blocker.unblock(), rolled_back():
        admin = build_world().admin
        return site.discover_forms(browser(admin), Client())


@pytest.fixture(scope="session")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)
