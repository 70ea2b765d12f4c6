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


class VisitSummary(models.Model):
    """One visit made (finished: completed or could not complete; or on site now) as the
    figures read it: its ticket's filters copied beside it and its follow-ups decided once,
    when a visit of its ticket or appliance changes (insights.receivers), so a year's figures
    count rows of one table instead of joining the year's visits to the tickets twice.

    The ticket's fields are as at the last change of one of its visits or of its status; the
    area is the technician's when the visit was summarised. `rebuild_visit_summaries` writes
    every row again from the visits."""

    visit = models.OneToOneField(
        "tickets.Visit",
        verbose_name=_("visit"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="insight_summary",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+"
    )
    technician = models.ForeignKey(
        "technicians.Technician",
        verbose_name=_("technician"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area = models.CharField(_("area"), max_length=100, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    contract = models.ForeignKey(
        "contracts.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20)
    # The registered appliance's model's category, else the model the ticket names.
    category = models.CharField(_("category"), max_length=20, blank=True)
    appliance = models.ForeignKey(
        "customers.Appliance",
        verbose_name=_("appliance"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    appliance_model = models.ForeignKey(
        "customers.ApplianceModel",
        verbose_name=_("appliance model"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("arrived at"), null=True)
    ended_at = models.DateTimeField(_("finished at"), null=True)
    working = models.DurationField(_("time on site"), null=True)
    travelling = models.DurationField(_("time travelling"), null=True)
    is_first = models.BooleanField(_("first visit of its ticket"))
    followed_up = models.BooleanField(_("another visit of its ticket came after it"))
    came_back = models.BooleanField(_("its appliance was visited again within 30 days"))
    first_time_fix = models.BooleanField(_("fixed on the first visit"))

    class Meta:
        verbose_name = _("visit summary")
        verbose_name_plural = _("visit summaries")
        indexes = [
            models.Index(fields=["ended_at"], name="summary_ended"),
            # The repeats, a few in a hundred fixes, counted first (insights.kpis).
            models.Index(
                fields=["ended_at"], condition=models.Q(came_back=True), name="summary_came_back"
            ),
            models.Index(fields=["started_at"], name="summary_started"),
            models.Index(fields=["technician", "ended_at"], name="summary_tech_ended"),
            models.Index(fields=["area", "ended_at"], name="summary_area_ended"),
            models.Index(fields=["customer", "ended_at"], name="summary_customer_ended"),
        ]

    def __str__(self) -> str:
        return str(self.visit_id)
