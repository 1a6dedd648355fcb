from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared core, below every app: the changelog, actors, idempotency, roles, the error
    shape, pagination and the UI's shared pieces. It imports no app (import-linter checks)."""

    name = "config.core"
    label = "core"
    verbose_name = "Changelog"
