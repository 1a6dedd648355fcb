import csv
import io
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.core.actors import Actor
from config.core.errors import ValidationFailed
from inventory.catalogue.models import PART_FIELDS
from inventory.catalogue.services import parts_create_many
from inventory.models import PartType

# The part's own fields (PART_FIELDS) besides info, which gets a column per info key.
PART_COLUMNS = ("ipn", *(name for name in PART_FIELDS if name != "info"))
_YES_NO = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
CHUNK = 2000  # rows per parts_create_many call: progress lines, bounded memory per call


class _DryRun(Exception):
    """Rolls the whole import back once every row has been validated."""


class Command(BaseCommand):
    help = (
        "Import parts of one type from a CSV file (UTF-8, header row). Columns: "
        f"{', '.join(PART_COLUMNS)} (tags separated by ';'), and one column per info key, "
        "named info.<key> or just <key>. Every row is validated by the part services first; "
        "if any row is rejected, every rejected row is reported with its line number and "
        "nothing is imported (exit code 1). --dry-run validates and reports only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file.")
        parser.add_argument("--type", required=True, dest="type_slug", help="Part type slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate every row and write nothing."
        )
        parser.add_argument("--encoding", default="utf-8-sig", help="Default: UTF-8.")

    def handle(self, *args, file, type_slug, dry_run, encoding, **options):
        started = time.monotonic()
        part_type = self._part_type(type_slug)
        text = self._read(Path(file), encoding)
        lines, rows, problems = self._parse(text, part_type)
        total = len(rows) + len(problems)
        if not total:
            raise CommandError(f"{file} has no data rows.")
        self.stdout.write(f"Validating {len(rows):,} rows of {file} as {part_type.slug}...")
        actor = Actor.system(f"import_parts {Path(file).name}")
        created = 0
        try:
            with transaction.atomic():
                created = self._create(actor, part_type, lines, rows, problems)
                if problems or dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        if problems:
            for line in sorted(problems):
                for message in problems[line]:
                    self.stderr.write(f"line {line}: {message}")
            raise CommandError(
                f"{len(problems)} of {total:,} rows were rejected; nothing was imported."
            )
        elapsed = time.monotonic() - started
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Dry run: all {len(rows):,} rows are valid; nothing was written."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {created:,} {part_type.slug} parts in {elapsed:.1f}s "
                f"({created / elapsed:,.0f}/s)."
            )
        )

    def _part_type(self, slug: str) -> PartType:
        try:
            return PartType.objects.prefetch_related("info_keys").get(slug=slug)
        except PartType.DoesNotExist:
            known = ", ".join(PartType.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"Unknown part type {slug!r}. Part types: {known}.") from None

    def _read(self, path: Path, encoding: str) -> str:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a directory, not a CSV file.") from None
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            return data.decode(encoding)
        except LookupError:
            raise CommandError(f"Unknown encoding {encoding!r}.") from None
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise CommandError(
                f"{path} is not valid {encoding} text: byte 0x{data[exc.start]:02x} on line "
                f"{line}. Save it as UTF-8 CSV, or pass --encoding (e.g. --encoding cp1252)."
            ) from None

    def _columns(self, header: list[str], part_type: PartType) -> dict[int, tuple[str, str]]:
        """Column index → ("field", name) or ("info", key); unknown or repeated columns are
        an error that names them."""
        info_keys = {key.key for key in part_type.info_keys.all()}
        columns: dict[int, tuple[str, str]] = {}
        unknown, seen = [], set()
        for index, raw in enumerate(header):
            name = raw.strip().lower()
            if not name:
                continue
            key = name.removeprefix("info.")
            if name in PART_COLUMNS:
                target = ("field", name)
            elif key in info_keys:
                target = ("info", key)
            else:
                unknown.append(raw)
                continue
            if target in seen:
                raise CommandError(f"Column {raw!r} appears twice (as {'.'.join(target)}).")
            seen.add(target)
            columns[index] = target
        if unknown:
            raise CommandError(
                f"Unknown columns: {', '.join(map(repr, unknown))}. Allowed: "
                f"{', '.join(PART_COLUMNS)}, and the info keys of {part_type.slug}: "
                f"{', '.join(sorted(info_keys)) or 'none'} (as <key> or info.<key>)."
            )
        return columns

    def _parse(self, text: str, part_type: PartType):
        """Rows as parts_create_many wants them, with the line each starts on; problems found
        while parsing (a row with more cells than the header) by line."""
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            raise CommandError(f"Line 1 is not valid CSV: {exc}") from None
        if not header:
            raise CommandError("The file is empty: it needs a header row.")
        columns = self._columns(header, part_type)
        lines, rows, problems = [], [], {}
        line = reader.line_num + 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header):
                    problems[start] = [
                        f"{len(cells)} cells but the header has {len(header)} columns."
                    ]
                    continue
                rows.append(self._row(cells, columns))
                lines.append(start)
                if len(rows) % 50_000 == 0:
                    self.stdout.write(f"  read {len(rows):,} rows")
        except csv.Error as exc:
            raise CommandError(f"Line {line} is not valid CSV: {exc}") from None
        return lines, rows, problems

    @staticmethod
    def _row(cells: list[str], columns: dict[int, tuple[str, str]]) -> dict:
        row: dict = {}
        info: dict = {}
        for index, (kind, name) in columns.items():
            value = cells[index].strip() if index < len(cells) else ""
            if not value:
                continue  # empty cell: the field's default, or no value for the info key
            if kind == "info":
                info[name] = value
            elif name == "tags":
                row["tags"] = [tag.strip() for tag in value.split(";") if tag.strip()]
            elif name == "archived":
                # As the CSV export writes it; other text goes on, for the service to refuse.
                row["archived"] = _YES_NO.get(value.lower(), value)
            else:
                row[name] = value
        row["info"] = info
        return row

    def _create(self, actor, part_type, lines, rows, problems) -> int:
        """parts_create_many per chunk inside the caller's transaction; a rejected chunk is
        rolled back by the service, and later chunks are still validated so that every
        rejected row is reported."""
        first_line: dict[str, int] = {}
        for line, row in zip(lines, rows, strict=True):
            ipn = row.get("ipn")
            if ipn and ipn in first_line:
                problems.setdefault(line, []).append(
                    f"ipn: {ipn!r} is also on line {first_line[ipn]}."
                )
            elif ipn:
                first_line[ipn] = line
        created = 0
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            chunk_lines = lines[start : start + CHUNK]
            if any(line in problems for line in chunk_lines):
                # Validate the rest without the rows already rejected.
                keep = [i for i, line in enumerate(chunk_lines) if line not in problems]
                chunk = [chunk[i] for i in keep]
                chunk_lines = [chunk_lines[i] for i in keep]
            try:
                created += len(parts_create_many(actor=actor, part_type=part_type, rows=chunk))
            except ValidationFailed as exc:
                for label, messages in (exc.errors or {}).items():
                    number = int(label.removeprefix("row "))
                    problems.setdefault(chunk_lines[number - 1], []).extend(messages)
            done = min(start + CHUNK, len(rows))
            if len(rows) > CHUNK:
                self.stdout.write(f"  {done:,}/{len(rows):,} rows checked")
        return created
