"""A benchmark's own PostgreSQL database, as benchmarks/README.md describes: ``sp_bench_NAME`` (plus
$BENCH_DB_SUFFIX, which keeps parallel runs apart), created fresh and migrated before the run and
dropped after it; and the raw ``COPY`` reference several benchmarks measure beside their figures.

Call ``use_database`` before anything reads Django's settings, then run inside ``scratch_database``.
"""

import contextlib
import os
import time

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def use_database(name: str) -> str:
    """Point Django at the benchmark's database (settings from the environment); returns its name."""
    db_name = name + os.environ.get("BENCH_DB_SUFFIX", "")
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return db_name


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(db_name: str):
    """A fresh database ``db_name`` with Django set up and migrated, dropped afterwards."""
    admin(f"DROP DATABASE IF EXISTS {db_name}")
    admin(f"CREATE DATABASE {db_name}")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        admin(f"DROP DATABASE IF EXISTS {db_name}")


def copy_reference(
    table: str, columns, *, like: str = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES"
) -> float:
    """rows/s of a raw COPY FROM STDIN of ``table``'s rows (``columns``) into a table made LIKE it
    (``like``: the LIKE options)."""
    import psycopg

    cols = ", ".join(columns)
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        buffer = bytearray()
        with conn.cursor().copy(f"COPY (SELECT {cols} FROM {table}) TO STDOUT") as copy:
            for chunk in copy:
                buffer += chunk
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute(f"CREATE TABLE bench_copy (LIKE {table} {like})")
        rows = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        started = time.perf_counter()
        with conn.transaction(), conn.cursor().copy(f"COPY bench_copy ({cols}) FROM STDIN") as copy:
            view = memoryview(buffer)
            for i in range(0, len(view), 1 << 20):
                copy.write(view[i : i + (1 << 20)])
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE bench_copy")
    return rows / seconds
