"""Roles in templates: ``{% load role_tags %}{% if user|has_role:"clerk" %}…{% endif %}``.

Pages show only the actions the signed-in user's role may take; the views still check the role
on every request, so a hidden link is a courtesy, not the protection."""

from django import template

from config.core.roles import Role

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    """Whether ``user`` is signed in with at least ``role`` (a ``Role`` value: "viewer",
    "clerk", "manager", "admin"). An unknown role name is a template error, not a silent
    "no": a typo must not hide or show a button by accident."""
    minimum = Role(role)
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(minimum)
