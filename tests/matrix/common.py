ROLE_ORDER = ("viewer", "clerk", "manager", "admin")
ACTORS = ("anonymous", *ROLE_ORDER, "expired_jwt", "revoked_token")


def public(status: int) -> dict[str, int]:
    return dict.fromkeys(ACTORS, status)


def at_least(role: str, allowed: int | dict[str, int]) -> dict[str, int]:
    """Anonymous and bad credentials get 401, roles below ``role`` 403, the rest ``allowed``."""
    row = {"anonymous": 401, "expired_jwt": 401, "revoked_token": 401}
    for rank, name in enumerate(ROLE_ORDER):
        if rank < ROLE_ORDER.index(role):
            row[name] = 403
        else:
            row[name] = allowed[name] if isinstance(allowed, dict) else allowed
    return row
