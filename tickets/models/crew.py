"""Who works a visit and when: one booking per member of its crew, the lead and the helpers.

The booking table is what keeps a technician from being in two places at once, whatever their
role: on PostgreSQL an exclusion constraint (migration 0014) refuses two active bookings of one
technician whose periods overlap. The lead's booking mirrors the visit's technician; every
booking takes the visit's planned range and is active while the visit holds its crew's time
(Visit.BUSY_STATUSES). tickets.services.crew.sync_bookings keeps them in step."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from technicians.models import Technician

from .visits import Visit


class VisitBooking(models.Model):
    """One technician booked for one visit's time, as its lead or as a helper."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        HELPER = "helper", _("Helper")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="bookings"
    )
    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.PROTECT, related_name="bookings"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HELPER)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    active = models.BooleanField(_("holds the time"), default=False)

    class Meta:
        verbose_name = _("crew booking")
        verbose_name_plural = _("crew bookings")
        ordering = ["visit", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "technician"], name="booking_once_per_visit"),
            models.UniqueConstraint(
                fields=["visit"], condition=models.Q(role="lead"), name="booking_one_lead"
            ),
            models.CheckConstraint(
                condition=models.Q(active=False)
                | models.Q(planned_start__isnull=False, planned_end__gt=models.F("planned_start")),
                name="booking_active_has_range",
            ),
        ]
        indexes = [models.Index(fields=["technician", "planned_start"])]

    def __str__(self) -> str:
        return f"{self.visit}: {self.technician} ({self.get_role_display()})"
