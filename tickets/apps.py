from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # The photo tasks, registered in every process: services hand them out by name, and
        # in eager mode (tests) an unknown name would go to the memory broker unseen.
        from . import tasks  # noqa: F401, PLC0415 - imported for its effect, in ready()

        # A maintenance visit's occurrence follows the visit (receivers of its events).
        from .services import maintenance  # noqa: F401, PLC0415 - imported for its effect
