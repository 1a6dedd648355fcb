"""Who or what caused a change: a person (maybe through an API token), a background job, a
sensor. Services take an ``actor`` so the changelog and the stock ledger can say who did it.
Building one from a request (which needs the token models) is accounts' job:
``accounts.actors.actor_from_request``."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    kind: str  # "user", "token", "system", "sensor"
    user: Any = None  # an instance of settings.AUTH_USER_MODEL
    token_label: str = ""
    name: str = ""

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(kind="user", user=user, name=user.username)

    @classmethod
    def system(cls, job: str) -> "Actor":
        return cls(kind="system", name=job)

    @classmethod
    def sensor(cls, serial_number: str) -> "Actor":
        return cls(kind="sensor", name=serial_number)

    def __str__(self) -> str:
        if self.kind == "token":
            return f"{self.name} (token {self.token_label})"
        return self.name
