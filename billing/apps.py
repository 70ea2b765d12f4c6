from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # The domain-event subscriptions, and the tasks (registered in every process so that
        # the in-process beat finds them by name).
        from . import receivers, tasks  # noqa: F401, PLC0415 - imported for their effect
