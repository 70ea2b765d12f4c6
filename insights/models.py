"""What insights keeps: which weeks' summaries were written (the rest is read, never stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
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
