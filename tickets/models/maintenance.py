"""One due visit of a preventive plan: its due date and tolerance window (local dates of the
site), the maintenance ticket and visit it opened, and what became of it."""

from __future__ import annotations

import datetime
import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tickets import Ticket
from .visits import Visit


class MaintenanceOccurrence(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("Due")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")
        MISSED = "missed", _("Missed")

    # Still to be done: the visit waits for a technician, has one, or its window has passed.
    OPEN_STATUSES = (Status.DUE, Status.SCHEDULED, Status.MISSED)

    plan = models.ForeignKey(
        "contracts.PreventivePlan",
        verbose_name=_("preventive plan"),
        on_delete=models.CASCADE,
        related_name="occurrences",
    )
    # n in first_due_on + n * every_months: the n-th date is computed from the first, never
    # by adding months to the previous one (31 Jan, 28 Feb, 31 Mar, not 28 Mar).
    sequence = models.PositiveIntegerField(_("number in the plan"))
    due_on = models.DateField(_("due on"))
    earliest = models.DateField(_("earliest day"))
    latest = models.DateField(_("latest day"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, db_index=True
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintenance",
    )
    visit = models.OneToOneField(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maintenance",
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reason = models.CharField(_("why skipped"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("generated"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("maintenance visit due")
        verbose_name_plural = _("maintenance visits due")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_on"], name="maintenance_once_per_date"),
            models.UniqueConstraint(
                fields=["plan", "sequence"], name="maintenance_once_per_number"
            ),
            models.CheckConstraint(
                condition=models.Q(earliest__lte=models.F("due_on"))
                & models.Q(latest__gte=models.F("due_on")),
                name="maintenance_due_inside_tolerance",
            ),
        ]
        indexes = [models.Index(fields=["status", "latest"], name="maintenance_open_by_latest")]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.sequence} {self.due_on.isoformat()}"

    @property
    def done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.latest

    def is_overdue(self, today: datetime.date) -> bool:
        """Not done and past its latest day, or done after it."""
        if self.status in (self.Status.DUE, self.Status.SCHEDULED, self.Status.MISSED):
            return self.latest < today
        return self.done_late

    def window(
        self, tz: zoneinfo.ZoneInfo | datetime.tzinfo
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """The tolerance as instants: from midnight of the earliest day to midnight after the
        latest, each midnight taken in the site's zone on its own date (so a daylight-saving
        change inside the window moves neither end by an hour)."""
        start = datetime.datetime.combine(self.earliest, datetime.time(0), tzinfo=tz)
        end = datetime.datetime.combine(
            self.latest + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
        )
        return start, end
