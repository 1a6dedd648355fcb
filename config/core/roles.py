"""Roles, and the check every API view and UI page makes with them (the API through
``permissions.RolePermission``, UI views through ``ui.role_required``). The user model (in
accounts) stores a role and answers ``has_role``; nothing here needs more of it."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest


class Role(models.TextChoices):
    """Roles in increasing order of power; each includes everything the ones before allow."""

    VIEWER = "viewer", "Viewer"
    CLERK = "clerk", "Clerk"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


def require_role(request: HttpRequest, role: Role) -> None:
    """403 unless the signed-in user has at least ``role`` (the API's rule, for the UI), for
    the few views whose role depends on the method: the others use ``ui.role_required``."""
    if not request.user.has_role(role):
        raise PermissionDenied
