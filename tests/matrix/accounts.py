"""Authorization rows for accounts, auth, status and health."""

from config.core.roles import Role
from tests.conftest import make_user

from .common import at_least, public

PATH_VALUES = {"uname": "target", "label": "matrix", "provider": "corp", "method_id": "password"}


def setup() -> None:
    make_user("target", Role.VIEWER)


ROWS: dict[tuple[str, str], dict[str, int]] = {
    # Authentication (seed 000): public.
    ("POST", "/auth/login"): public(400),
    ("GET", "/auth/methods"): public(200),
    # OpenID Connect (settings_test's "corp", whose issuer does not answer): a login without
    # its redirect_uri and a callback without code and state are refused before any call to
    # the provider; the device flow needs the provider's discovery document (502).
    ("GET", "/auth/oidc/{provider}/login"): public(400),
    ("POST", "/auth/oidc/{provider}/callback"): public(400),
    ("POST", "/auth/oidc/{provider}/device"): public(502),
    ("POST", "/auth/oidc/{provider}/device/token"): public(400),
    # Users: admins; {uname} is another user, so self-service does not apply here.
    ("GET", "/api/v1/users"): at_least("admin", 200),
    ("POST", "/api/v1/users"): at_least("admin", 400),
    ("GET", "/api/v1/users/{uname}"): at_least("admin", 200),
    ("PUT", "/api/v1/users/{uname}"): at_least("admin", 200),
    ("DELETE", "/api/v1/users/{uname}"): at_least("admin", 204),
    ("PUT", "/api/v1/users/{uname}/passwd"): at_least("admin", 400),
    ("PUT", "/api/v1/users/{uname}/role"): at_least("admin", 400),
    ("GET", "/api/v1/users/{uname}/auth-methods"): at_least("admin", 200),
    ("POST", "/api/v1/users/{uname}/auth-methods"): at_least("admin", 400),
    # The target's password is its only way in: removing it is refused.
    ("DELETE", "/api/v1/users/{uname}/auth-methods/{method_id}"): at_least("admin", 409),
    # API tokens: everyone manages their own.
    ("GET", "/api/v1/tokens"): at_least("viewer", 200),
    ("POST", "/api/v1/tokens"): at_least("viewer", 400),
    ("DELETE", "/api/v1/tokens/{label}"): at_least("viewer", 204),
    # Status and health.
    ("GET", "/api/v1/status/workers"): at_least("viewer", 200),
    ("GET", "/server/health_check"): public(200),
}
