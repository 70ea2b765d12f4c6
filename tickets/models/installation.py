"""What the installer records on an installation visit: the serial of the unit put in and the
commissioning checklist (catalog.commissioning) ticked on the phone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .visits import Visit


class Commissioning(models.Model):
    """One installation visit's commissioning record: the serial as scanned or typed and the
    checklist items ticked (their keys). Recorded again as a whole, so a replay of the phone's
    action leaves it as it was; completion needs the serial and every item of the category."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="commissioning"
    )
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    checked = models.JSONField(_("items checked"), default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("commissioning record")
        verbose_name_plural = _("commissioning records")

    def __str__(self) -> str:
        return f"{self.visit}: {self.serial_number or '-'}"
