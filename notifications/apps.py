import datetime

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Django's place for what must load once the models have: the domain-event
        # subscriptions, and the tasks, registered in every process so that the outbox's
        # hand-out by task name finds them (in-process too, where no worker imports them).
        from . import receivers, tasks  # noqa: F401, PLC0415 - imported for their effect, in ready()

    def health_checks(self) -> list:
        """The outbox's check on the health page: a due notification waiting too long."""
        minutes = settings.FIELDSERVICE["NOTIFICATIONS"]["HEALTH_MAX_WAIT_MINUTES"]
        return [
            ("notifications.health.OutboxBacklog", {"max_age": datetime.timedelta(minutes=minutes)})
        ]
