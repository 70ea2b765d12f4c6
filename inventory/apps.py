from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Stock")

    def ready(self) -> None:
        # The subscriptions to tickets' domain events (a part fitted leaves the van).
        from . import receivers  # noqa: F401, PLC0415 - imported for its effect
