from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # The domain-event subscriptions that keep the visit summaries.
        from . import receivers  # noqa: F401, PLC0415 - imported for their effect
