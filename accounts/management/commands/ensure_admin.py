import json
import os
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand
from django.urls import reverse

from accounts import services


def _hand_over(path: Path, *, username: str, password: str | None) -> None:
    """Leave the new admin's name and generated password for ``make run``'s banner
    (``scripts/serve.py`` prints it once the server listens, then deletes the file). Readable
    by this user only; created afresh, so a file left by an earlier run (or a link planted in
    its place) is not written through."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump({"username": username, "password": password}, out)


class Command(BaseCommand):
    help = (
        "Create the first admin account if none exists. The password comes from "
        "WARECACHE_ADMIN_PASSWORD, or is generated and printed once (or, with "
        "--credentials-file, written to that file for make run's banner)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("WARECACHE_ADMIN_USER", "admin"))
        parser.add_argument(
            "--credentials-file",
            type=Path,
            help="Write the new admin's name and generated password to this file (mode 0600) "
            "instead of printing the password.",
        )

    def handle(self, *args, username, credentials_file=None, **options):
        password = os.environ.get("WARECACHE_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user, created = services.ensure_admin_account(username=username, password=password)
        if not created:
            self.stdout.write(f"Admin account exists: {user.username}")
            return
        self.stdout.write(self.style.SUCCESS(f"Created admin account {user.username!r}."))
        if credentials_file is not None:
            _hand_over(
                credentials_file, username=user.username, password=password if generated else None
            )
            if generated:
                self.stdout.write("  Its generated password is shown when the server is up.")
        elif generated:
            # The account page's password form, where it should be replaced.
            change_at = reverse("account") + "#password"
            self.stdout.write(
                self.style.WARNING(
                    f"  password: {password}   (shown once; change it at {change_at})"
                )
            )
