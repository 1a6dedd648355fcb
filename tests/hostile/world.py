"""The stockroom the hostile-input tests attack, and how they tell whether anything was
written: a small world built through the services, a fingerprint of every row a refusal must
leave alone, and a savepoint that undoes each example."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken, OidcIdentity, User
from accounts.oidc import providers
from accounts.oidc import services as oidc
from config.core.actors import Actor
from config.core.models import ChangelogEntry
from config.core.roles import Role
from inventory.catalogue import services as catalogue
from inventory.models import (
    InfoKey,
    Lot,
    Part,
    PartType,
    StockBalance,
    StockMovement,
    StorageLocation,
)
from inventory.stock import services as ledger
from inventory.stock.services import locations as places
from tests.conftest import bearer_client, jwt_for, make_user, token_for

SYSTEM = Actor.system("hostile")
PASSWORD = "correct horse 42"

# The rows a refused request must leave exactly as they were. Columns that reading or signing
# in touches by design are left out: when a token or a login was last used.
WATCHED: tuple[type[Model], ...] = (
    StockMovement,
    StockBalance,
    Part,
    PartType,
    StorageLocation,
    Lot,
    ChangelogEntry,
    User,
    ApiToken,
)
VOLATILE = {"last_login", "last_used_at"}


@dataclass
class World:
    clerk: User
    manager: User
    admin: User
    resistors: PartType
    spare: PartType
    part: Part
    other_part: Part
    loose_part: Part
    shelf: StorageLocation
    bin: StorageLocation
    drawer: StorageLocation
    empty: StorageLocation
    lot: Lot
    vera_identity: OidcIdentity


def build_world() -> World:
    """Users of each role, a part type with every kind of info key, three parts (two linked as
    alternates), locations with stock in a lot and outside one, an empty location and type
    (so a delete can succeed), and an API token to revoke."""
    clerk = make_user("carl", Role.CLERK)
    manager = make_user("mona", Role.MANAGER)
    admin = make_user("ada", Role.ADMIN, first_name="Ada", email="ada@example.com")
    vera = make_user("vera", Role.VIEWER)
    # A linked identity beside her password, so unlinking it can succeed.
    vera_identity = oidc.identity_link(
        actor=SYSTEM, user=vera, provider=providers.get("corp"), subject="vera-sub"
    )
    make_user("ada2", Role.ADMIN)  # so demoting or deleting "ada" never hits the last admin
    token_for(admin, label="printer")
    resistors = catalogue.part_type_create(
        actor=SYSTEM,
        slug="res",
        name="Resistors",
        info_keys=[
            {"key": "resistance", "kind": InfoKey.Kind.QUANTITY, "unit": "ohm", "required": True},
            {"key": "tolerance", "kind": InfoKey.Kind.NUMBER},
            {"key": "package", "kind": InfoKey.Kind.CHOICE, "choices": ["0402", "0603"]},
            {"key": "smd", "kind": InfoKey.Kind.BOOLEAN},
            {"key": "series", "kind": InfoKey.Kind.TEXT},
        ],
    )
    spare = catalogue.part_type_create(actor=SYSTEM, slug="spare", name="Spare")
    part = catalogue.part_create(
        actor=SYSTEM,
        part_type=resistors,
        ipn="RES-1",
        mpn="RC0603-10K",
        manufacturer="Yageo",
        info={"resistance": "10k", "package": "0603", "smd": True},
        tags=["smd"],
        low_stock_threshold=Decimal(500),
    )
    other_part = catalogue.part_create(
        actor=SYSTEM, part_type=resistors, ipn="RES-2", mpn="RC0603-1K", info={"resistance": "1k"}
    )
    loose_part = catalogue.part_create(
        actor=SYSTEM, part_type=resistors, ipn="RES-3", info={"resistance": "47"}
    )
    catalogue.alternate_add(actor=SYSTEM, part=part, alternate=other_part)
    shelf = places.location_create(actor=SYSTEM, name="Shelf", code="SHELF")
    bin_ = places.location_create(actor=SYSTEM, name="Bin 1", code="BIN-1", parent=shelf)
    drawer = places.location_create(actor=SYSTEM, name="Drawer", code="DRAWER")
    empty = places.location_create(actor=SYSTEM, name="Empty", code="EMPTY")
    lot = places.lot_create(actor=SYSTEM, name="LOT-1", reference="PO-7")
    ledger.stock_add(actor=SYSTEM, part=part, location=bin_, quantity=Decimal(100), lot=lot)
    ledger.stock_add(actor=SYSTEM, part=part, location=drawer, quantity=Decimal(40))
    ledger.stock_add(actor=SYSTEM, part=other_part, location=bin_, quantity=Decimal(25))
    return World(
        vera_identity=vera_identity,
        clerk=clerk,
        manager=manager,
        admin=admin,
        resistors=resistors,
        spare=spare,
        part=part,
        other_part=other_part,
        loose_part=loose_part,
        shelf=shelf,
        bin=bin_,
        drawer=drawer,
        empty=empty,
        lot=lot,
    )


def browser(user: User) -> Client:
    """A signed-in browser. Django's test client does not enforce CSRF."""
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> APIClient:
    # A JWT, not an API token: revoking tokens is one of the writes under attack.
    return bearer_client(jwt_for(user))


def fingerprint() -> dict[str, list[tuple]]:
    """Every watched row, column by column (a changed value shows, not only a new row). Plain
    SELECTs: this runs twice per request, and the ORM would cost more than the request."""
    rows = {}
    with connection.cursor() as cursor:
        for model in WATCHED:
            meta = model._meta
            columns = ", ".join(
                connection.ops.quote_name(field.column)
                for field in meta.concrete_fields
                if field.attname not in VOLATILE
            )
            table = connection.ops.quote_name(meta.db_table)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1")  # noqa: S608
            rows[model.__name__] = cursor.fetchall()
    return rows


def differences(before: dict, after: dict) -> dict[str, str]:
    """Per model: how many rows came, went or changed (for a readable failure)."""
    found = {}
    for name, old in before.items():
        new = after[name]
        if old != new:
            changed = len(set(map(repr, new)) - set(map(repr, old)))
            found[name] = f"{len(old)} -> {len(new)} rows, {changed} new or changed"
    return found


class _Undo(Exception):
    pass


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint and undo it, whatever it wrote. The cache holds the
    login throttle's counters (Redis on the PostgreSQL run, outside the transaction): start
    each example with none."""
    cache.clear()
    with contextlib.suppress(_Undo), transaction.atomic():
        yield
        raise _Undo
