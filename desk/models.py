"""What the desk keeps of its own: each agent's saved filters of the ticket list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """A ticket list's filters under a name an agent chose, to apply again with one click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="saved_ticket_filters",
    )
    name = models.CharField(_("name"), max_length=100)
    # The list's query string as the filter form validated it (desk.services.save_filter).
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name
