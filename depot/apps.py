from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepotConfig(AppConfig):
    name = "depot"
    verbose_name = _("Workshop and loaners")

    def ready(self) -> None:
        # A visit that ends "needs workshop" opens a repair order (a receiver of tickets'
        # events), and a ticket with a unit in the workshop or a loaner out is held open
        # (a check registered with tickets.closing).
        from . import (  # noqa: PLC0415 - imported for their effect, in ready()
            receivers,
            services,
            tasks,  # noqa: F401 - the beat task, registered in every process
        )

        receivers.connect()
        services.register_close_checks()
