"""What insights keeps: which weeks' summaries were written (the rest is read, never stored)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklySummary(models.Model):
    """One week's summary for the managers, written once: the row is the claim a second run of
    the beat task finds and stops at."""

    week_start = models.DateField(_("week from"), unique=True)
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly summary")
        verbose_name_plural = _("weekly summaries")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week_start.isoformat()
