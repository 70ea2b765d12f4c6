from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldserviceConfig(AppConfig):
    """The project package as an app: it owns the API's tokens and idempotency records, and
    the sign-in guards."""

    name = "fieldservice"
    verbose_name = _("API access")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The sign-in guards' signal receivers, connected once the models have loaded.
        from . import logins  # noqa: F401, PLC0415 - imported for its effect, in ready()
