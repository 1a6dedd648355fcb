from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .throttle import create_cache_tables

        # Login throttling needs the database cache table when REDIS_URL is unset: `migrate`
        # creates it, so no install can miss the separate `createcachetable` step.
        post_migrate.connect(
            create_cache_tables, sender=self, dispatch_uid="accounts.create_cache_tables"
        )
