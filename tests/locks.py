"""Seeing, from the test's own connection, that another PostgreSQL session waits on a lock."""

from __future__ import annotations

import time

from django.db import connection


def a_session_waits_for_a_lock(seconds: float = 30) -> bool:
    """Poll pg_stat_activity until some session of this database waits on a lock."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)  # a poll interval, not a wait for the race: the loop checks the state
    return False
