"""Which unique field or constraint a write broke, read from the database's own report of the
violation (PostgreSQL names the constraint; SQLite lists its columns, or names an index)
rather than guessed from words in the message: a service can then say "this code is taken"
at the right field, and let any other integrity error through."""

import re

from django.db import IntegrityError, connections, models

# SQLite: "UNIQUE constraint failed: inventory_part.ipn" (one column per field, comma
# separated) or, for a unique index on expressions, "UNIQUE constraint failed: index 'name'".
_SQLITE_UNIQUE = re.compile(
    r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|(?P<columns>[\w.]+(?:, [\w.]+)*))"
)


def unique_fields_violated(
    model: type[models.Model], exc: IntegrityError, *, using: str = "default"
) -> tuple[str, ...] | None:
    """The names of the fields of ``model`` whose unique field or unique constraint ``exc``
    reports broken (``("ipn",)``, ``("part_type", "key")``), or None when ``exc`` is no
    violation of one of them (a check or foreign key constraint, another table's).

    Call it after the failed transaction or savepoint has been rolled back (outside its
    ``atomic`` block): on PostgreSQL, a unique field's constraint is looked up by name."""
    name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    columns: list[str] | None = None
    if name is None:
        found = _SQLITE_UNIQUE.search(str(exc))
        if found is None:
            return None
        name = found["index"]
        if name is None:
            tables_and_columns = [item.rsplit(".", 1) for item in found["columns"].split(", ")]
            if any(table != model._meta.db_table for table, _column in tables_and_columns):
                return None
            columns = [column for _table, column in tables_and_columns]
    if columns is None:
        columns = _columns_of_unique(model, name, using)
        if columns is None:
            return None
    by_column = {field.column: field.name for field in model._meta.concrete_fields}
    fields = tuple(by_column.get(column) for column in columns)
    return None if None in fields else fields


def _columns_of_unique(model: type[models.Model], name: str, using: str) -> list[str] | None:
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.name == name:
            if not constraint.fields:  # on expressions: no fields to name
                return None
            return [model._meta.get_field(field).column for field in constraint.fields]
    # A field's own unique=True: the database named its constraint; ask which columns it has.
    connection = connections[using]
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table).get(name)
    return list(found["columns"]) if found and found["unique"] else None
