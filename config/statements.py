"""Single-table statements that skip the ORM's query compiler, for the few hot paths where
compiling a query costs more than running it.

A stock write is about ten statements. On the 2-core benchmark machine the ORM spent about
0.5 ms building each one (cloning the queryset, resolving lookups, compiling SQL) and SQLite
about 0.05 ms running it, so the ledger, the API token check and the lookups of a stock
operation use these instead. Each statement's SQL is built once per shape and database and
reused.

Values still go through the fields' own conversions (``pre_save`` and ``get_db_prep_save`` on
the way in, the backend's and the field's converters on the way out), so the instances read
and written here are the ones the ORM would give. What is skipped: model signals (Warecache
uses none), ``Model.save()`` overrides, and anything beyond one table plus optional
forward foreign keys for reads. :class:`Prepared` keeps the SQL the ORM compiled for a read
of any shape, for the few that every request of a list makes. Everything else should use the
ORM.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model, QuerySet

# Comparisons a `where` key may end with (`quantity__gt`); without one it is equality, and
# equality with None is IS NULL.
_OPERATORS = {"exact": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class _Source:
    """How to turn one table's selected columns back into an instance."""

    model: type[Model]
    start: int  # where its columns begin in a row
    pk_index: int  # where the primary key is among its fields
    fields: tuple[Field, ...]
    converters: tuple[tuple[int, tuple, Any], ...]  # (field index, converters, expression)


@dataclass(frozen=True)
class _Select:
    sql: str
    conditions: tuple[tuple[Field, bool], ...]  # field, compared with NULL (no parameter)
    sources: tuple[_Source, ...]
    joins: tuple[Field, ...]  # the foreign keys whose rows follow the main row


def _alias(using: str | None) -> str:
    return using or DEFAULT_DB_ALIAS


def _columns(model: type[Model]) -> tuple[Field, ...]:
    return tuple(model._meta.concrete_fields)


def _source(model: type[Model], table: str, alias: str, start: int) -> _Source:
    connection = connections[alias]
    fields = _columns(model)
    converters = []
    for offset, field in enumerate(fields):
        column = field.get_col(table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((offset, tuple(found), column))
    return _Source(model, start, fields.index(model._meta.pk), fields, tuple(converters))


def _split(key: str) -> tuple[str, str]:
    name, _, operator = key.partition("__")
    if operator and operator not in _OPERATORS:
        raise ValueError(f"Unsupported comparison {key!r}; use one of {sorted(_OPERATORS)}.")
    return name, operator or "exact"


@cache
def _select(
    model: type[Model],
    where: tuple[tuple[str, bool], ...],
    related: tuple[str, ...],
    order_by: tuple[str, ...],
    for_update: bool,
    limit: int | None,
    alias: str,
) -> _Select:
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    sources = [_source(model, table, alias, 0)]
    selected = [f"{quote(table)}.{quote(field.column)}" for field in sources[0].fields]
    joins, join_sql = [], []
    for number, name in enumerate(related, start=1):
        foreign_key = model._meta.get_field(name)
        target = foreign_key.related_model
        join_alias = f"J{number}"
        kind = "LEFT OUTER JOIN" if foreign_key.null else "INNER JOIN"
        join_sql.append(
            f" {kind} {quote(target._meta.db_table)} {join_alias} ON "
            f"{join_alias}.{quote(foreign_key.target_field.column)} = "
            f"{quote(table)}.{quote(foreign_key.column)}"
        )
        source = _source(target, join_alias, alias, len(selected))
        selected += [f"{join_alias}.{quote(field.column)}" for field in source.fields]
        sources.append(source)
        joins.append(foreign_key)
    conditions, condition_sql = [], []
    for key, is_null in where:
        name, operator = _split(key)
        field = model._meta.get_field(name)
        column = f"{quote(table)}.{quote(field.column)}"
        if is_null:
            if operator != "exact":
                raise ValueError(f"{key!r} cannot be compared with None.")
            condition_sql.append(f"{column} IS NULL")
        else:
            condition_sql.append(f"{column} {_OPERATORS[operator]} %s")
        conditions.append((field, is_null))
    # Identifiers come from model metadata, quoted; every value is a parameter.
    sql = f"SELECT {', '.join(selected)} FROM {quote(table)}{''.join(join_sql)}"  # noqa: S608
    if condition_sql:
        sql += " WHERE " + " AND ".join(condition_sql)
    if order_by:
        columns = (model._meta.get_field(name).column for name in order_by)
        sql += " ORDER BY " + ", ".join(f"{quote(table)}.{quote(c)}" for c in columns)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return _Select(sql, tuple(conditions), tuple(sources), tuple(joins))


def _instance(source: _Source, alias: str, row: Sequence) -> Model | None:
    values = list(row[source.start : source.start + len(source.fields)])
    if values[source.pk_index] is None:  # an outer join that found nothing
        return None
    connection = connections[alias]
    for index, converters, expression in source.converters:
        value = values[index]
        for converter in converters:
            value = converter(value, expression, connection)
        values[index] = value
    return source.model.from_db(alias, None, values)


def select(
    model: type[Model],
    where: Mapping[str, Any],
    *,
    related: Sequence[str] = (),
    order_by: Sequence[str] = (),
    for_update: bool = False,
    limit: int | None = None,
    using: str | None = None,
) -> list[Model]:
    """Rows of ``model`` matching every ``where`` condition (``{"field": value}`` for
    equality, None meaning IS NULL, ``{"field__gt": value}`` and the like), with each foreign
    key named in ``related`` fetched in the same query, like ``select_related``.
    ``for_update`` locks the rows where the database can (not SQLite: its writers already
    run one at a time)."""
    alias = _alias(using)
    shape = tuple((key, value is None) for key, value in where.items())
    statement = _select(model, shape, tuple(related), tuple(order_by), for_update, limit, alias)
    connection = connections[alias]
    params = [
        field.get_db_prep_value(value.pk if isinstance(value, Model) else value, connection)
        for (field, is_null), value in zip(statement.conditions, where.values(), strict=True)
        if not is_null
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        instance = _instance(statement.sources[0], alias, row)
        for foreign_key, source in zip(statement.joins, statement.sources[1:], strict=True):
            foreign_key.set_cached_value(instance, _instance(source, alias, row))
        found.append(instance)
    return found


def _write_fields(model: type[Model], names: Iterable[str] | None) -> tuple[Field, ...]:
    if names is None:
        return tuple(
            field
            for field in model._meta.local_concrete_fields
            if not field.generated and field is not model._meta.auto_field
        )
    return tuple(model._meta.get_field(name) for name in names)


@cache
def _insert_sql(model: type[Model], fields: tuple[Field, ...], alias: str) -> tuple[str, bool]:
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, returning


def insert(instance: Model, *, using: str | None = None) -> Model:
    """INSERT ``instance`` (every column but a generated key) and set its primary key, as
    ``instance.save()`` would for a new row."""
    model = type(instance)
    alias = _alias(using)
    connection = connections[alias]
    fields = _write_fields(model, None)
    sql, returning = _insert_sql(model, fields, alias)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            key = cursor.fetchone()[0]
        else:
            key = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    if model._meta.auto_field is not None:
        setattr(instance, model._meta.pk.attname, key)
    instance._state.adding = False
    instance._state.db = alias
    return instance


@cache
def _update_sql(model: type[Model], fields: tuple[Field, ...], increments: bool, alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    assignments = []
    for field in fields:
        column = quote(field.column)
        if not increments:
            assignments.append(f"{column} = %s")
        elif connection.vendor == "sqlite":
            # As the ORM does: without the casts SQLite would add decimals as text/real.
            assignments.append(f"{column} = CAST(({column} + CAST(%s AS NUMERIC)) AS NUMERIC)")
        else:
            assignments.append(f"{column} = {column} + %s")
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )


def update(instance: Model, fields: Sequence[str], *, using: str | None = None) -> int:
    """UPDATE the named ``fields`` of ``instance``'s row to its current values, as
    ``instance.save(update_fields=fields)`` would; returns the number of rows written."""
    model = type(instance)
    alias = _alias(using)
    connection = connections[alias]
    written = _write_fields(model, fields)
    params = [
        field.get_db_prep_save(field.pre_save(instance, False), connection) for field in written
    ]
    return _execute(alias, _update_sql(model, written, False, alias), [*params, instance.pk])


def increment(
    model: type[Model], pk: Any, deltas: Mapping[str, Any], *, using: str | None = None
) -> int:
    """Add each of ``deltas`` to its column in the row ``pk``, in the database (so concurrent
    writers never lose each other's increments), like ``update(field=F(field) + delta)``."""
    alias = _alias(using)
    connection = connections[alias]
    fields = _write_fields(model, deltas)
    params = [
        field.get_db_prep_save(delta, connection)
        for field, delta in zip(fields, deltas.values(), strict=True)
    ]
    return _execute(alias, _update_sql(model, fields, True, alias), [*params, pk])


def _execute(alias: str, sql: str, params: list) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


class Prepared:
    """A ``values_list`` query the ORM compiles once per database and that then runs again
    with new parameter values, skipping the queryset building and SQL compiling that cost
    more than the query itself on hot reads whose shape never changes.

    ``build(*params)`` makes the queryset; its SQL parameters must be ``params`` themselves,
    in the order given (checked when it is compiled, so a shape that depends on the values
    fails loudly instead of running the wrong query). Rows come back as tuples converted the
    way ``values_list`` converts them."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[str, tuple[str, tuple]] = {}

    def rows(self, *params: Any, using: str | None = None) -> list[tuple]:
        alias = _alias(using)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(params, alias)
        sql, converters = compiled
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            values = list(row)
            for index, functions, expression in converters:
                value = values[index]
                for function in functions:
                    value = function(value, expression, connection)
                values[index] = value
            converted.append(tuple(values))
        return converted

    def _compile(self, params: tuple, alias: str) -> tuple[str, tuple]:
        queryset = self._build(*params)
        query = queryset.query
        if query.annotation_select and query.values_select:
            # values_list puts them in the order named, the SQL fields first.
            raise ValueError("A prepared query selects fields or annotations, not both.")
        compiler = query.get_compiler(alias)
        sql, compiled_params = compiler.as_sql()
        if list(compiled_params) != list(params):
            raise ValueError(
                f"The query's parameters {list(compiled_params)!r} are not the ones given "
                f"({list(params)!r}): its shape depends on them, so it cannot be prepared."
            )
        selected = [expression for expression, _sql, _alias in compiler.select]
        converters = tuple(
            (index, tuple(functions), expression)
            for index, (functions, expression) in compiler.get_converters(selected).items()
        )
        return sql, converters
