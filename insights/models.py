"""What insights keeps: which weeks' summaries were written, the imports run, and a summary row
per visit made that the figures count (the rest is read, never stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


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


class PrimaryManager(models.Manager):
    """Reads on the primary, never the replica the router gives insights' reads: a run is
    read back the moment it is written, and its progress must not be seconds behind."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().using(DEFAULT_DB_ALIAS)


class ImportRun(models.Model):
    """One confirmed import of a file: written by a Celery task, which reports the rows done
    (in the cache, as the write is one transaction nobody else sees until it ends) and leaves
    here what it wrote or why it wrote nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing imported")

    kind = models.CharField(_("kind"), max_length=20)
    file_name = models.CharField(_("file"), max_length=255)
    # The file as uploaded, until its import ends (then emptied).
    content = models.BinaryField(_("content"), editable=False)
    only_valid = models.BooleanField(_("only the valid rows"), default=False)
    # The language of the manager who confirmed it: the task's messages speak it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = PrimaryManager()

    class Meta:
        base_manager_name = "objects"  # refresh_from_db too
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class TicketFilters(models.Model):
    """The ticket's fields the figures filter by (customer, contract, kind of job, category),
    copied beside each summary row so a figure filters one table without joining the
    tickets. Abstract: each summary has its own table with these columns.

    A summary's status is left to each (a visit's status is not its ticket's)."""

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

    class Meta:
        abstract = True


class VisitSummary(TicketFilters):
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
    # The Monday of the week it ended, in the company's time zone (as TicketSummary.opened_week).
    ended_week = models.DateField(_("week finished"), null=True)
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


class TicketSummary(TicketFilters):
    """One ticket as the ticket-level figures read it (SLA compliance, time to repair, remote
    fixes, the backlog): its filters, status and clocks copied from the ticket, and whether a
    visit of it was completed or started, kept by the tickets' events (insights.receivers) in
    the same transaction as the change, so a year's figures read a narrow table instead of
    the wide tickets' one and their visits.

    `rebuild_visit_summaries` writes every row again from the tickets, with the visits'."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="insight_summary",
    )
    priority = models.PositiveSmallIntegerField(_("priority"))
    tier = models.PositiveSmallIntegerField(_("support tier"))
    status = models.CharField(_("status"), max_length=20)
    opened_at = models.DateTimeField(_("opened at"))
    # The Monday of the week opened, in the company's time zone: the weekly figures group by a
    # date instead of converting every row's time (rebuild after changing TIME_ZONE).
    opened_week = models.DateField(_("week opened"))
    response_due_at = models.DateTimeField(_("response due"))
    responded_at = models.DateTimeField(_("responded"), null=True)
    resolution_due_at = models.DateTimeField(_("resolution due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True)
    solved_remotely_at = models.DateTimeField(_("solved on the phone"), null=True)
    repaired = models.BooleanField(_("a visit of it was completed"))
    visited = models.BooleanField(_("a visit of it set out or was made"))

    class Meta:
        verbose_name = _("ticket summary")
        verbose_name_plural = _("ticket summaries")
        indexes = [
            models.Index(fields=["opened_at"], name="tsummary_opened"),
            models.Index(fields=["resolved_at"], name="tsummary_resolved"),
            models.Index(fields=["solved_remotely_at"], name="tsummary_remote"),
            models.Index(fields=["customer", "opened_at"], name="tsummary_customer_opened"),
            # The backlog: the open tickets, a few in a hundred of the history.
            models.Index(
                fields=["opened_at"],
                condition=models.Q(status__in=Ticket.OPEN_STATUSES),
                name="tsummary_open",
            ),
        ]

    def __str__(self) -> str:
        return str(self.ticket_id)
