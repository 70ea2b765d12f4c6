from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from fieldservice.languages import language_chosen  # noqa: PLC0415 - apps are loaded

        from .services import follow_chosen_language  # noqa: PLC0415

        language_chosen.connect(follow_chosen_language, dispatch_uid="customers.language")
