import time

from django.core.management.base import BaseCommand, CommandError

from config.core.errors import ServiceError
from inventory import demo
from inventory.models import Part


class Command(BaseCommand):
    help = (
        "Load the small demo dataset (electronics catalogue, lab locations, lots and ~60 days "
        "of stock history) once. Does nothing when it is already loaded, or when the catalogue "
        "already has parts of its own (unless --force): `make run` calls it on every start."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though the catalogue already has other parts.",
        )

    def handle(self, *args, force, **options):
        if demo.demo_loaded():
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        parts = Part.objects.count()
        if parts and not force:
            self.stdout.write(
                f"The catalogue already has {parts:,} parts; not adding the demo data to it "
                "(use --force to add it anyway)."
            )
            return
        started = time.monotonic()
        self.stdout.write("Loading demo data...")
        try:
            counts = demo.demo_load(write=self.stdout.write)
        except ServiceError as exc:
            # E.g. a part type with a demo slug but other info keys: nothing was written.
            raise CommandError(
                f"Could not load the demo data (nothing was written): {exc.detail}"
            ) from exc
        if counts is None:
            self.stdout.write("Demo data already loaded; nothing to do.")
            return
        summary = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s: {summary}.")
        )
