from django.apps import AppConfig
from django.conf import settings
from django.core.signals import request_started
from django.utils.translation import gettext_lazy as _

from .inprocess import worker


class FieldserviceConfig(AppConfig):
    """The project package as an app: it owns the API's tokens and idempotency records, and
    the sign-in guards."""

    name = "fieldservice"
    verbose_name = _("API access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The sign-in guards' signal receivers and what a new password ends, connected once
        # the models have loaded.
        from . import accounts, languages, logins  # noqa: F401, PLC0415 - imported for their effect

        if settings.IN_PROCESS_WORKER:
            # Started by the first request, not here: management commands (migrate, the
            # runserver's reloader) load the apps too and need no worker or beat.
            request_started.connect(_start_in_process_worker, dispatch_uid="in-process worker")


def _start_in_process_worker(**kwargs) -> None:
    worker.start()
