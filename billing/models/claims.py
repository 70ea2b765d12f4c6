"""Warranty claims: the lines a manufacturer pays under warranty, collected per manufacturer
until the office sends the claim."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .charges import ChargeLine


class WarrantyClaim(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Collecting")
        SENT = "sent", _("Sent to the manufacturer")

    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    lines = models.ManyToManyField(
        ChargeLine, verbose_name=_("lines"), blank=True, related_name="warranty_claims"
    )

    class Meta:
        verbose_name = _("warranty claim")
        verbose_name_plural = _("warranty claims")
        ordering = ["manufacturer", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer"],
                condition=models.Q(status="open"),
                name="one_open_claim_per_manufacturer",
            )
        ]

    def __str__(self) -> str:
        return self.manufacturer


class LabourCorrection(models.Model):
    """The minutes of labour a technician or dispatcher set for a visit in place of its
    on-site times, and why."""

    visit = models.OneToOneField(
        "tickets.Visit",
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="labour_correction",
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    measured_minutes = models.PositiveIntegerField(_("minutes on site"))
    reason = models.CharField(_("reason"), max_length=250)
    by = models.ForeignKey(
        "auth.User", verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now=True)

    class Meta:
        verbose_name = _("labour correction")
        verbose_name_plural = _("labour corrections")

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.minutes}"
