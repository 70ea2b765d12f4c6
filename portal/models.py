"""What the portal keeps of its own: the sign-ups waiting for their email address's proof."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SignUp(models.Model):
    """A customer who made their own account on the portal. They may look around and add
    appliances at once, but book only once they followed the link emailed to them: the address
    is theirs. Customers the office entered (or who only ever phoned) have none of these."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="sign_up",
    )
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    link_sent_at = models.DateTimeField(_("confirmation link sent"))
    confirmed_at = models.DateTimeField(_("email address confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal sign-up")
        verbose_name_plural = _("portal sign-ups")

    def __str__(self) -> str:
        return str(self.customer)
