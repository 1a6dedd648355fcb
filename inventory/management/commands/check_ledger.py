import json
import time
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from inventory.stock import ledger_check
from inventory.stock.ledger_check import Violation


class Command(BaseCommand):
    help = (
        "Verify the stock ledger (after an incident, a restore, a manual repair): every balance "
        "equals the sum of its movements, every part's on-hand and on-order totals equal its "
        "balances, no value is out of the ledger's range or a movement of zero, and no on-hand "
        "balance is negative. Reports each violation with its rows and exits non-zero when "
        "there is any. Reads only; progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print a machine-readable report (JSON) instead of the lines.",
        )

    def handle(self, *args, as_json: bool, **options):
        results = []
        with ledger_check.snapshot():
            for number, check in enumerate(ledger_check.CHECKS, start=1):
                self.stderr.write(f"[{number}/{len(ledger_check.CHECKS)}] {check.title}...")
                started = time.monotonic()
                violations = check.run()
                self.stderr.write(
                    f"[{number}/{len(ledger_check.CHECKS)}] {_count(len(violations))} "
                    f"in {time.monotonic() - started:.2f}s"
                )
                results.append((check, violations))
        total = sum(len(violations) for _check, violations in results)
        if as_json:
            self.stdout.write(_json_report(results, total))
        else:
            self._write_report(results, total)
        if total:
            raise CommandError(
                f"The ledger check found {_count(total)}: "
                + ("see the report." if as_json else "see the lines above.")
            )

    def _write_report(self, results, total: int) -> None:
        for check, violations in results:
            style = self.style.ERROR if violations else self.style.SUCCESS
            self.stdout.write(style(f"{check.title}: {_count(len(violations))}"))
            for violation in violations:
                self.stdout.write(f"  {_line(violation)}")
        counts = ", ".join(f"{check.name} {len(violations)}" for check, violations in results)
        if total:
            self.stdout.write(self.style.ERROR(f"Ledger check: {_count(total)} ({counts})."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Ledger check: no violations in {len(results)} checks.")
            )


def _count(number: int) -> str:
    return f"{number:,} violation{'' if number == 1 else 's'}"


def _line(violation: Violation) -> str:
    where = [
        f"part {violation.part}" if violation.part else "",
        f"location {violation.location}" if violation.location else "",
        (f"lot {violation.lot}" if violation.lot else "no lot") if violation.location else "",
        f"status {violation.status}" if violation.status else "",
    ]
    ids = ", ".join(
        f"{name.replace('_', ' ')} {value}"
        for name, value in violation.ids.items()
        if value is not None
    )
    return (
        f"{violation.problem}: {', '.join(filter(None, where))}: {violation.field} expected "
        f"{violation.expected}, found {violation.found} ({ids})"
    )


def _json_report(results, total: int) -> str:
    report = {
        "ok": not total,
        "violations": total,
        "checks": [
            {
                "name": check.name,
                "title": check.title,
                "count": len(violations),
                "violations": [asdict(violation) for violation in violations],
            }
            for check, violations in results
        ],
    }
    return json.dumps(report, indent=2)
