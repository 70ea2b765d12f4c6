"""Approval before billable work: a technician asks the client company's approvers before
doing work above the amount its contract (or the organization) sets, and one of them approves
or declines through a signed link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from .quotes import Quote


class WorkApproval(models.Model):
    """One request for a client's approval of a quote's billable work, and its answer: who of
    the organization decided, when and how. A declined request is kept; the technician may ask
    again (for a changed quote)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the client's approval")
        APPROVED = "approved", _("Approved by the client")
        DECLINED = "declined", _("Declined by the client")

    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="approvals"
    )
    visit = models.ForeignKey(
        "tickets.Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_approvals",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    amount = MoneyField(_("amount"), max_digits=12, decimal_places=2)
    limit = MoneyField(_("approval needed above"), max_digits=12, decimal_places=2)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("name of who decided"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("work approval")
        verbose_name_plural = _("work approvals")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quote"],
                condition=models.Q(status="pending"),
                name="one_pending_approval_per_quote",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quote} {self.get_status_display()}"
