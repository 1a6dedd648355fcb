"""factory-boy factories for test data shared by every app's tests.

Factories create rows directly (no services, no changelog entries): use them to arrange a
test, and call the services when the write itself is what the test is about.
"""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from config.core.roles import Role
from inventory.catalogue.models import normalize_mpn
from inventory.models import InfoKey, Lot, Part, PartType, StorageLocation, Tag
from inventory.stock.models import PATH_SEPARATOR


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag-{n}")


class PartTypeFactory(DjangoModelFactory):
    class Meta:
        model = PartType
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"type-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").replace("_", " ").title())
    ipn_prefix = factory.LazyAttribute(lambda o: o.slug.upper().replace("_", "-")[:16])


class InfoKeyFactory(DjangoModelFactory):
    """Defaults to a text key; pass ``kind=InfoKey.Kind.QUANTITY, unit="ohm"`` etc."""

    class Meta:
        model = InfoKey

    part_type = factory.SubFactory(PartTypeFactory)
    key = factory.Sequence(lambda n: f"key_{n}")
    label = factory.LazyAttribute(lambda o: o.key.replace("_", " ").capitalize())
    kind = InfoKey.Kind.TEXT
    unit = ""
    required = False
    choices = factory.LazyFunction(list)
    position = factory.Sequence(lambda n: n)


class PartFactory(DjangoModelFactory):
    """A part with a sequential IPN built from its type's prefix. ``info`` is stored as given
    (no validation, no ``PartInfoValue`` rows): create parts through
    ``inventory.catalogue.services.part_create`` when filters on info must see them.
    ``tags=["a", "b"]`` links tags by name (created if missing)."""

    class Meta:
        model = Part
        skip_postgeneration_save = True

    part_type = factory.SubFactory(PartTypeFactory)
    ipn = factory.Sequence(lambda n: f"P-{n:05d}")
    mpn = factory.Sequence(lambda n: f"MPN-{n:05d}")
    mpn_normalized = factory.LazyAttribute(lambda o: normalize_mpn(o.mpn))
    manufacturer = "Acme"
    description = factory.LazyAttribute(lambda o: f"Part {o.ipn}")
    info = factory.LazyFunction(dict)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        self.tags.set([TagFactory(name=name) for name in extracted])


RESISTOR_INFO_KEYS = [
    {"key": "resistance", "kind": "quantity", "unit": "ohm", "required": True},
    {"key": "tolerance", "kind": "quantity", "unit": "%"},
    {"key": "power", "kind": "quantity", "unit": "W"},
    {"key": "package", "kind": "choice", "choices": ["0402", "0603", "0805", "THT"]},
    {"key": "smd", "kind": "boolean"},
    {"key": "series", "kind": "text"},
]


def make_part(part_type: PartType, **fields) -> Part:
    """A part made by the service (its IPN from the type's prefix unless given), as a
    manager's form or the API would make it."""
    from config.core.actors import Actor
    from inventory.catalogue import services as catalogue

    return catalogue.part_create(actor=Actor.system("tests"), part_type=part_type, **fields)


def make_resistor_type(slug: str = "resistor", **kwargs) -> PartType:
    """A "resistor" part type made by the service, with typed info keys: resistance (ohm,
    required), tolerance (%), power (W), package (choice), smd (boolean), series (text)."""
    from config.core.actors import Actor
    from inventory.catalogue import services as catalogue

    return catalogue.part_type_create(
        actor=Actor.system("tests"),
        slug=slug,
        name=kwargs.pop("name", "Resistors"),
        ipn_prefix=kwargs.pop("ipn_prefix", "RES"),
        info_keys=kwargs.pop("info_keys", RESISTOR_INFO_KEYS),
        **kwargs,
    )


class UserFactory(DjangoModelFactory):
    """A user with a role (viewer unless given) and the password ``correct horse 42``."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user-{n}")
    role = Role.VIEWER
    password = factory.PostGenerationMethodCall("set_password", "correct horse 42")

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class StorageLocationFactory(DjangoModelFactory):
    """A location whose path follows its parent's, as the location services keep it."""

    class Meta:
        model = StorageLocation

    code = factory.Sequence(lambda n: f"LOC-{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    parent = None
    path = factory.LazyAttribute(
        lambda o: f"{o.parent.path}{PATH_SEPARATOR}{o.name}" if o.parent else o.name
    )


class LotFactory(DjangoModelFactory):
    class Meta:
        model = Lot
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"LOT-{n:04d}")


def stock(part: Part, location: StorageLocation, quantity, **kwargs):
    """Stock received through the ledger service (movements, balances, part totals and a
    changelog entry, as a clerk's receipt makes them): the one way tests put stock somewhere."""
    from decimal import Decimal

    from config.core.actors import Actor
    from inventory.stock import services as ledger

    return ledger.stock_add(
        actor=Actor.system("tests"),
        part=part,
        location=location,
        quantity=Decimal(quantity),
        **kwargs,
    )
