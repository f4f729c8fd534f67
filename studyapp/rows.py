"""Model instances from fixed SQL, for the hot paths (auth, study queue, review) only.

Why: on these paths the ORM spent more time building and compiling a query (0.5-1.5 ms of Python each,
measured with py-spy under load: tests/benchmarks/profile_bench.py) than PostgreSQL spent running it
(0.02-0.05 ms). A fixed statement costs nothing to build; `instances` then makes the same model
instances the ORM would, running the same database converters (JSON, SQLite datetimes, ...), so the
rest of the code cannot tell the difference. Everything else keeps using the ORM.
"""

import functools

from django.db import connection
from django.db.models.expressions import Col


def columns(model, alias: str) -> str:
    """The select list of every concrete column of `model` in table alias `alias`, in field order."""
    return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)


def width(model) -> int:
    return len(model._meta.concrete_fields)


@functools.cache
def _converters(model, vendor):
    result = []
    for field in model._meta.concrete_fields:
        col = Col(model._meta.db_table, field)
        found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        result.append((col, found) if found else None)
    return tuple(result)


def instance(model, values):
    """One `model` instance from the values of `columns(model, ...)`; None when its primary key is NULL
    (the missing side of a LEFT JOIN)."""
    values = list(values)
    pk_index = model._meta.concrete_fields.index(model._meta.pk)
    if values[pk_index] is None:
        return None
    for i, converter in enumerate(_converters(model, connection.vendor)):
        if converter is not None and values[i] is not None:
            col, functions = converter
            for function in functions:
                values[i] = function(values[i], col, connection)
    return model.from_db(connection.alias, None, values)


def instances(row, *models):
    """Split one row of `columns(m1, ...), columns(m2, ...), ...` into one instance per model."""
    result, start = [], 0
    for model in models:
        end = start + width(model)
        result.append(instance(model, row[start:end]))
        start = end
    return result


def _prepared(model, values: dict):
    fields = [model._meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(value, connection) for field, value in zip(fields, values.values(), strict=True)]
    return fields, params


def insert(model, **values) -> int:
    """INSERT one row of `model` (values by field name or attname, prepared as the ORM prepares them); its id."""
    fields, params = _prepared(model, values)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def update(obj, names) -> None:
    """UPDATE the columns `names` of `obj`'s row to its current attribute values."""
    model = type(obj)
    fields, params = _prepared(model, {name: getattr(obj, model._meta.get_field(name).attname) for name in names})
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, obj.pk])
