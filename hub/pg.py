"""PostgreSQL housekeeping for the benches and the browser tests: a connection to the server's
own `postgres` database, from which databases are created and dropped."""

from django.db import connection


def admin_connection():
    """An autocommit connection to `postgres` on the server of the default database."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or None,
        autocommit=True,
    )


def recreate_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
