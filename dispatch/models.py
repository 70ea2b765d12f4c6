"""Dispatch's own records: automatic day-plan runs, their progress, preview and outcome."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanRun(models.Model):
    """One request to plan a day: computed by a Celery task, previewed, then applied or not."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        # The task could not be handed to a worker (the broker was down): nothing ran.
        NOT_STARTED = "not_started", _("Not started")
        RUNNING = "running", _("Planning")
        READY = "ready", _("Ready to review")
        APPLIED = "applied", _("Applied")
        STALE = "stale", _("Out of date")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan of a day or a week")
        # Today from the moment it ran: the routes that change, kept as the page shows them.
        REST_OF_DAY = "rest_of_day", _("Rest of today")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PLAN)
    day = models.DateField(_("day"))
    area = models.CharField(_("area"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    time_limit = models.FloatField(_("time limit (s)"), default=10.0)
    # Ticked by the dispatcher: the planner may drop a scheduled visit or move it out of the
    # arrival window promised to its customer, who is then told.
    may_break_windows = models.BooleanField(_("may break promised windows"), default=False)
    # How many days from `day` the run plans: 1 is the day plan, up to 7 a week at a time.
    days = models.PositiveSmallIntegerField(_("days"), default=1)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scenario = models.JSONField(_("scenario"), default=dict, blank=True)
    versions = models.JSONField(_("visit versions seen"), default=dict, blank=True)
    plan = models.JSONField(_("plan"), default=dict, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # When last handed to a planning worker, and when one began: the sweeper's clues to a run
    # that no worker picked up, or whose worker died.
    queued_at = models.DateTimeField(_("handed to a worker"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_percent"),
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=7), name="plan_run_one_to_seven_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area or '*'} ({self.get_status_display()})"

    @property
    def last_day(self) -> datetime.date:
        """The last day the run plans (its day, for a day plan)."""
        return self.day + datetime.timedelta(days=self.days - 1)


class TechnicianPosition(models.Model):
    """A technician's last known position, sent by their phone while a visit is en route.

    One row per technician, overwritten by each newer reading: no history is kept, and rows
    older than settings.POSITION_MAX_AGE_MINUTES are deleted by a beat task."""

    technician = models.OneToOneField(
        "technicians.Technician",
        verbose_name=_("technician"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="position",
    )
    # The visit they were driving to: the customer of that visit alone may see the position.
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit en route"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    accuracy = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("technician's position")
        verbose_name_plural = _("technicians' positions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="position_on_earth",
            ),
            models.CheckConstraint(
                condition=models.Q(accuracy__isnull=True) | models.Q(accuracy__gte=0),
                name="position_accuracy_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} @ {self.latitude:.4f},{self.longitude:.4f}"
