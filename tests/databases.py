"""Whole databases on the suite's PostgreSQL server, for tests that start processes of their
own against a database of their own (tests/integration/test_serve.py)."""

from __future__ import annotations

import psycopg2
from django.db import connection, connections


def pristine_name() -> str:
    """The copy of this worker's test database as migrations left it (conftest.py)."""
    return f"{connection.settings_dict['NAME']}_pristine"


def url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{name}"


def admin(statement: str) -> None:
    """Run one statement outside any transaction, connected to the server's postgres database
    (CREATE DATABASE cannot run in one, nor from inside the database it copies)."""
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def copy_test_database(name: str) -> None:
    """`name` becomes a copy of the test database: PostgreSQL copies it file by file, which
    needs nobody connected to it, so this process's connections close first."""
    connections.close_all()
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{connection.settings_dict["NAME"]}"')
