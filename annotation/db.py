"""Plain SQL on the annotator's hot path: cursors, and rows turned into model instances.

On PostgreSQL, cursor() binds parameters server-side, so psycopg prepares a statement once it has
run a few times on a connection (prepare_threshold) and PostgreSQL stops re-planning it: the task
claim's query takes ~1 ms to plan and ~0.2 ms to run. Set DB_PREPARED_STATEMENTS=0 behind a pooler
in transaction mode (PgBouncer < 1.21), where prepared statements do not survive between transactions.
Queries still go through Django's cursor wrapper: its error mapping, query logging and execute wrappers.
"""

from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.dateparse import parse_datetime

# psycopg's default: a statement is prepared on its sixth execution on a connection. Django connects
# with prepare_threshold=None (nothing prepared, for poolers' sake); its own cursors bind client-side
# and never prepare, so setting it on the connection changes only this module's cursors.
PREPARE_THRESHOLD = 5


def cursor():
    """A Django cursor; on PostgreSQL one whose repeated statements are prepared (see the module doc)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: every `connection.x` is a lookup in asgiref's Local
    if db.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        return db.cursor()
    if db.connection is None:
        db.ensure_connection()
    db.validate_thread_sharing()
    raw_connection = db.connection
    if raw_connection.prepare_threshold is None:  # Django turns preparing off for its own cursors
        raw_connection.prepare_threshold = PREPARE_THRESHOLD
    from psycopg import Cursor

    with db.wrap_database_errors:
        raw = Cursor(raw_connection)
    return db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)


def aware(value) -> datetime | None:
    """A UTC-aware datetime from what a raw cursor returns (SQLite may give text or naive values)."""
    if value is None or isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def select_columns(model, alias: str) -> str:
    """Every concrete column of `model` for a SELECT, in field order (for model_from_row)."""
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


@cache
def _converters(model, vendor: str) -> list[list[tuple]]:
    """The ORM's own value converters per concrete field (JSON text, SQLite dates and booleans...)."""
    out = []
    for field in model._meta.concrete_fields:
        col = field.get_col(model._meta.db_table)
        out.append([(conv, col) for conv in connection.ops.get_db_converters(col) + col.get_db_converters(connection)])
    return out


def model_from_row(model, row):
    """A model instance from a row of select_columns(model), converted as the ORM would."""
    values = []
    for value, converters in zip(row, _converters(model, connection.vendor), strict=True):
        for conv, col in converters:
            value = conv(value, col, connection)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, None, values)


def instance(model, values: dict):
    """A model instance from a plain SQL row ({attname: value}); fields not given are deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[n] for n in names])


def table(model) -> str:
    """The model's table name, for plain SQL."""
    return model._meta.db_table


def placeholders(values) -> str:
    """One %s per value, comma-separated (an IN list or a VALUES row)."""
    return ", ".join(["%s"] * len(values))
