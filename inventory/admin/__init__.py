from . import catalogue, stock  # noqa: F401 - registers the admin pages
