"""Test overrides only: everything else comes from settings.py and the environment."""

from .settings import *  # noqa: F403

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
