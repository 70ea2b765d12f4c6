from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # The import's task, registered in every process so that its hand-out by task name
        # finds it (eagerly in tests, in the in-process worker of `make run`); the domain-event
        # subscriptions that keep the visit summaries.
        from . import receivers, tasks  # noqa: F401, PLC0415 - imported for their effect
