from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldserviceConfig(AppConfig):
    """The project package as an app: it owns the API's tokens and idempotency records."""

    name = "fieldservice"
    verbose_name = _("API access")
    default_auto_field = "django.db.models.BigAutoField"
