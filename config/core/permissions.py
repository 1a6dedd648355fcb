"""The one permission mechanism of the API: every view states the minimum role per action.

A view sets ``required_roles``, a mapping of DRF action (or HTTP method, lower case) to the
minimum :class:`Role`. Unlisted safe methods need a viewer, unlisted writes a manager.
``public_actions`` lists actions open to anonymous callers. Object-level rules (a user may
edit their own profile) are expressed with ``self_service_actions`` and ``is_self``."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import Role


def _action(view, request) -> str:
    return getattr(view, "action", None) or request.method.lower()


class RolePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not hasattr(view, request.method.lower()):
            return True  # no handler: let the view answer 405 rather than 401/403
        action = _action(view, request)
        if action in getattr(view, "public_actions", ()):
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if action in getattr(view, "self_service_actions", ()):
            return True  # decided per object in has_object_permission
        return user.has_role(required_role(view, request))

    def has_object_permission(self, request, view, obj) -> bool:
        action = _action(view, request)
        if action in getattr(view, "self_service_actions", ()):
            return view.is_self(request, obj) or request.user.has_role(required_role(view, request))
        return True


def required_role(view, request) -> Role:
    action = _action(view, request)
    roles = getattr(view, "required_roles", {})
    if action in roles:
        return roles[action]
    return Role.VIEWER if request.method in SAFE_METHODS else Role.MANAGER
