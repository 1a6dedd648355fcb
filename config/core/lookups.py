"""Lookups shared by the apps."""

import orjson
from django.db import NotSupportedError
from django.db.models import Lookup


class AnyOf(Lookup):
    """``filter(AnyOf(F("field"), [...]))``: the text column equals one of the strings given, sent as a
    single parameter (a JSON array read with ``json_each`` on SQLite, an array on
    PostgreSQL) instead of one parameter per value as ``__in`` does. For long lists: a
    1,000-key batch spent more time preparing its ``__in`` values than the database spent
    finding them."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = list(self.rhs)
        if not all(isinstance(value, str) for value in values):
            raise TypeError("any_of takes strings.")
        return values

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"any_of is not implemented for {connection.vendor}.")

    def as_sqlite(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        # The column is compiled by the ORM (quoted); the values are one parameter.
        return f"{column} IN (SELECT value FROM json_each(%s))", [  # noqa: S608
            *params,
            orjson.dumps(self.rhs).decode(),
        ]

    def as_postgresql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        return f"{column} = ANY(%s::text[])", [*params, self.rhs]
