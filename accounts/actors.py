"""Who or what caused a change: a person (maybe through an API token), a background job, a
sensor. Services take an ``actor`` so the changelog and the stock ledger can say who did it."""

from dataclasses import dataclass

from rest_framework_simplejwt.tokens import Token

from .models import ApiToken, User


@dataclass(frozen=True)
class Actor:
    kind: str  # "user", "token", "system", "sensor"
    user: User | None = None
    token_label: str = ""
    name: str = ""

    @classmethod
    def for_user(cls, user: User) -> "Actor":
        return cls(kind="user", user=user, name=user.username)

    @classmethod
    def system(cls, job: str) -> "Actor":
        return cls(kind="system", name=job)

    @classmethod
    def sensor(cls, serial_number: str) -> "Actor":
        return cls(kind="sensor", name=serial_number)

    @classmethod
    def from_request(cls, request) -> "Actor":
        auth = getattr(request, "auth", None)
        if isinstance(auth, ApiToken):
            return cls(
                kind="token", user=request.user, token_label=auth.label, name=request.user.username
            )
        if isinstance(auth, Token) or request.user.is_authenticated:
            return cls.for_user(request.user)
        raise ValueError("An anonymous request has no actor")

    def __str__(self) -> str:
        if self.kind == "token":
            return f"{self.name} (token {self.token_label})"
        return self.name
