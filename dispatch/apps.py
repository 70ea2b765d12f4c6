from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        # The planner's tasks live one package down, where Celery's autodiscovery does not
        # look: registered in every process, so that its services' hand-out by task name
        # finds them (in-process too, where no worker imports them).
        from . import receivers  # noqa: F401, PLC0415 - the domain-event subscriptions
        from .planner import tasks  # noqa: F401, PLC0415 - imported for its effect, in ready()
