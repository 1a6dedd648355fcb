import os
import secrets

from django.core.management.base import BaseCommand

from accounts import services


class Command(BaseCommand):
    help = (
        "Create the first admin account if none exists. The password comes from "
        "WARECACHE_ADMIN_PASSWORD, or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("WARECACHE_ADMIN_USER", "admin"))

    def handle(self, *args, username, **options):
        password = os.environ.get("WARECACHE_ADMIN_PASSWORD")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user, created = services.ensure_admin_account(username=username, password=password)
        if not created:
            self.stdout.write(f"Admin account exists: {user.username}")
            return
        self.stdout.write(self.style.SUCCESS(f"Created admin account {user.username!r}."))
        if generated:
            self.stdout.write(
                self.style.WARNING(f"  password: {password}   (shown once; change it on /account)")
            )
