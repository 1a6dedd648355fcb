from . import catalogue, changelog, stock  # noqa: F401 - registers the admin pages
