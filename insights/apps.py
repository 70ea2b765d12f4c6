from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # Registered in every process, so that the import's hand-out by task name finds it
        # (eagerly in tests, in the in-process worker of `make run`).
        from . import tasks  # noqa: F401, PLC0415 - imported for its effect, in ready()
