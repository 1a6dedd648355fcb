import time

from django.core.management.base import BaseCommand, CommandError

from config.core.errors import ServiceError
from inventory.models import Part, StockMovement


class Command(BaseCommand):
    help = (
        "Generate synthetic data for benchmarks: N parts across the demo part types (with info "
        "values, tags and one changelog entry each), lots (one entry each), and M backdated "
        "stock movements (one summary changelog entry, not one per movement) "
        "over the last year, with balances equal to their sums and never a negative on-hand "
        "balance. Commits every chunk and prints progress. Refuses to run on a database that "
        "already has parts or movements unless --append is given. The generator lives beside "
        "the benchmarks (tests/benchmarks/seeding), so this needs a source checkout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--parts", type=int, required=True, help="How many parts to create.")
        parser.add_argument(
            "--movements", type=int, default=0, help="How many stock movements (default 0)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already has data (movements then go to the new parts).",
        )

    def handle(self, *args, parts, movements, seed, append, **options):
        if parts < 0 or movements < 0:
            raise CommandError("--parts and --movements must be 0 or more.")
        if not append and (Part.objects.exists() or StockMovement.objects.exists()):
            raise CommandError(
                f"The database already has {Part.objects.count():,} parts and "
                f"{StockMovement.objects.count():,} movements. Use --append to add to them."
            )
        try:
            # Benchmark tooling, not part of the app: imported only when asked for.
            from tests.benchmarks.seeding import seed as generate
        except ImportError as exc:
            raise CommandError(
                "seed_demo needs tests/benchmarks/seeding from a source checkout of Warecache "
                f"({exc})."
            ) from exc
        self.stdout.write(f"Seeding {parts:,} parts and {movements:,} movements (seed {seed})...")
        started = time.monotonic()
        try:
            counts = generate(parts=parts, movements=movements, seed=seed, write=self._progress)
        except ServiceError as exc:
            raise CommandError(exc.detail) from exc
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{value:,} {name}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded in {elapsed:.1f}s: {summary}."))

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
