"""Test overrides only: everything else comes from settings.py and the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured


def _own_services(worker: str) -> None:
    """Under pytest-xdist (`make test` runs the suite on every core), each worker process (gw0,
    gw1...) gets services of its own, as pytest-django gives it its own test database: tests
    flush the cache, stop and restart the broker, and count what reaches a mailbox. Done in the
    environment, before the settings read it, so the Celery worker and web processes that tests
    start inherit them too."""
    index = int(worker.removeprefix("gw"))
    if os.environ.get("REDIS_URL"):
        servers = os.environ.get("REDIS_TEST_URLS", "").split()
        if index >= len(servers):
            raise ImproperlyConfigured(
                f"pytest-xdist worker {worker} has no Redis server of its own: REDIS_TEST_URLS "
                f"lists {len(servers)} (bin/with-services starts one per core, or "
                "FIELDSERVICE_REDIS_SERVERS of them); run pytest with at most that many workers "
                "(-n), or with -p no:xdist."
            )
        os.environ["REDIS_URL"] = servers[index]
    # dovecot takes any user name, each with a Maildir of its own (bin/with-services).
    if imap := os.environ.get("IMAP_TEST_URL"):
        parts = urlsplit(imap)
        user = f"{parts.username}-{worker}"
        netloc = f"{user}:{parts.password}@{parts.hostname}:{parts.port}"
        os.environ["IMAP_TEST_URL"] = urlunsplit(parts._replace(netloc=netloc))
        if maildir := os.environ.get("IMAP_TEST_MAILDIR"):
            os.environ["IMAP_TEST_MAILDIR"] = str(Path(maildir).with_name(user))
    media = os.environ.get("MEDIA_ROOT") or str(Path(__file__).resolve().parent.parent / "media")
    os.environ["MEDIA_ROOT"] = str(Path(media) / worker)
    # Once: a process these settings start with this environment inherits the result.
    os.environ["FIELDSERVICE_TEST_WORKER"] = worker


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("FIELDSERVICE_TEST_WORKER") != _worker:
    _own_services(_worker)

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Unit tests run tasks in-process; tests/integration starts a real worker on the real Redis.
CELERY_TASK_ALWAYS_EAGER = True
# Tasks run in the caller, as above, not in fieldservice.inprocess's thread, unless a test
# turns it on for itself.
IN_PROCESS_WORKER = False
# Links start with PUBLIC_URL, not with the test client's host, unless a test says otherwise.
PUBLIC_URL_FROM_REQUESTS = False
