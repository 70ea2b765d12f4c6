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


def two_copies_at_once(call):
    """Run `call` twice, the second copy starting while the first holds its transaction open,
    as when a form or a phone's action arrives twice in the same instant.

    Returns (first result, second result, errors of the second, whether the second was seen
    waiting on a lock)."""
    import threading

    from django.db import transaction

    results, errors = {}, []
    first_done, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                results["first"] = call()
                first_done.set()
                release.wait(30)
        finally:
            connection.close()

    def second():
        try:
            results["second"] = call()
        except Exception as exc:  # noqa: BLE001 - the failure is what the caller checks
            errors.append(exc)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert first_done.wait(30), "the first copy did not finish"
    two = threading.Thread(target=second)
    two.start()
    waited = a_session_waits_for_a_lock()
    release.set()
    one.join(30)
    two.join(30)
    return results.get("first"), results.get("second"), errors, waited
