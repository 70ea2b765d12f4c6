"""What the technician's phone sent while offline, kept so that a replay is answered, not redone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from technicians.models import Technician
from tickets.models import Visit


class SyncAction(models.Model):
    """An action the phone sent (possibly again, after a lost answer): its key and result.

    A replay with the same key gets the stored result and records nothing twice.
    """

    key = models.CharField(_("key"), max_length=64)
    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.CASCADE, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    result = models.JSONField(_("result"), default=dict)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("synced action")
        verbose_name_plural = _("synced actions")
        # Keys are the phone's: one technician's cannot collide with, or reveal, another's.
        constraints = [
            models.UniqueConstraint(fields=["technician", "key"], name="sync_key_per_technician")
        ]

    def __str__(self) -> str:
        return self.key
