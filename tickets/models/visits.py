"""A visit: one trip of one technician for a ticket."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from technicians.models import Technician

from .tickets import Ticket


class Visit(models.Model):
    """One trip of one technician for a ticket."""

    class Status(models.TextChoices):
        UNASSIGNED = "unassigned", _("Unassigned")
        SCHEDULED = "scheduled", _("Scheduled")
        EN_ROUTE = "en_route", _("En route")
        ON_SITE = "on_site", _("On site")
        COMPLETED = "completed", _("Completed")
        CANNOT_COMPLETE = "cannot_complete", _("Could not complete")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NEEDS_PARTS = "needs_parts", _("Needs parts")
        CUSTOMER_ABSENT = "customer_absent", _("Customer absent")
        NEEDS_WORKSHOP = "needs_workshop", _("Needs workshop repair")

    # Statuses that hold the technician's time: the exclusion constraint covers exactly these.
    BUSY_STATUSES = (Status.SCHEDULED, Status.EN_ROUTE, Status.ON_SITE)

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="visits"
    )
    technician = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UNASSIGNED,
        db_index=True,
    )
    duration_minutes = models.PositiveSmallIntegerField(_("expected minutes"), default=90)
    window_start = models.DateTimeField(_("arrival window from"), null=True, blank=True)
    window_end = models.DateTimeField(_("arrival window to"), null=True, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True, db_index=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("arrived"), null=True, blank=True)
    actual_end = models.DateTimeField(_("finished"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("left for the site"), null=True, blank=True)
    # The drive to the site, as dispatch.travel measured it when the technician set off (from
    # the last site of the day or the home base): what a per-km travel charge bills.
    travel_km = models.DecimalField(
        _("travel distance (km)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("The planner keeps it on its technician.")
    )
    pinned = models.BooleanField(
        _("time pinned"), default=False, help_text=_("The planner keeps its planned time too.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["planned_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True, planned_end__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="visit_planned_range",
            ),
            models.CheckConstraint(
                condition=models.Q(window_start__isnull=True, window_end__isnull=True)
                | models.Q(window_end__gt=models.F("window_start")),
                name="visit_window_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["scheduled", "en_route", "on_site"])
                | models.Q(technician__isnull=False, planned_start__isnull=False),
                name="busy_visit_has_technician_and_time",
            ),
        ]
        indexes = [
            models.Index(fields=["technician", "planned_start"]),
            # insights.kpis: a technician's visits made in a period (utilization, travel) and
            # the visits that ended in one (first-time fix, repeat visits).
            models.Index(fields=["technician", "actual_start"], name="visit_tech_arrived"),
            models.Index(fields=["actual_end"], name="visit_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket} visit {self.pk}"

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)
