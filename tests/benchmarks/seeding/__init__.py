"""The benchmarks' data: ``manage.py seed_demo`` generates hundreds of thousands of parts of
the demo part types and millions of backdated movements (:func:`seed`). Only ``make bench``
and ``seed_demo`` use it, so it lives beside the benchmarks, not in the app."""

from .synthetic import seed

__all__ = ["seed"]
