"""Who may call what: one row per (method, path) of the API, checked by
tests/test_authorization_matrix.py against the URL resolver, so an endpoint added without a
row here fails the suite.

Each row maps an actor to the status it gets. Requests carry an empty JSON body, so an allowed
write may answer 400: that still proves the caller got past authorization."""

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


MATRIX: dict[tuple[str, str], dict[str, int]] = {
    # Authentication (seed 000): public.
    ("POST", "/auth/login"): public(400),
    ("GET", "/auth/methods"): public(200),
    # Users: admins; {uname} is another user, so self-service does not apply here.
    ("GET", "/api/v1/users"): at_least("admin", 200),
    ("POST", "/api/v1/users"): at_least("admin", 400),
    ("GET", "/api/v1/users/{uname}"): at_least("admin", 200),
    ("PUT", "/api/v1/users/{uname}"): at_least("admin", 200),
    ("DELETE", "/api/v1/users/{uname}"): at_least("admin", 204),
    ("PUT", "/api/v1/users/{uname}/passwd"): at_least("admin", 400),
    ("PUT", "/api/v1/users/{uname}/role"): at_least("admin", 400),
    ("GET", "/api/v1/users/{uname}/auth-methods"): at_least("admin", 200),
    # API tokens: everyone manages their own.
    ("GET", "/api/v1/tokens"): at_least("viewer", 200),
    ("POST", "/api/v1/tokens"): at_least("viewer", 400),
    ("DELETE", "/api/v1/tokens/{label}"): at_least("viewer", 204),
    # Status and health.
    ("GET", "/api/v1/status/workers"): at_least("viewer", 200),
    ("GET", "/server/health_check"): public(200),
}
