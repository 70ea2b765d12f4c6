"""The catalog the desk and the technicians share: spare parts, and what each error code on an
appliance's display means, which skills and parts fixing it takes, and the known fix."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.models import ApplianceModel
from technicians.models import Skill

from .codes import normalize_code


class Part(models.Model):
    """A spare part from the catalog."""

    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class ErrorCode(models.Model):
    """What a code on an appliance's display means, and what fixing it takes.

    Belongs either to one appliance model or to a manufacturer and category; the model-specific
    entry wins when both exist.
    """

    appliance_model = models.ForeignKey(
        ApplianceModel,
        verbose_name=_("appliance model"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="error_codes",
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    category = models.CharField(
        _("category"), max_length=20, choices=ApplianceModel.Category.choices
    )
    code = models.CharField(_("code"), max_length=30)
    normalized_code = models.CharField(_("normalized code"), max_length=30, editable=False)
    title = models.CharField(_("title"), max_length=200)
    probable_cause = models.TextField(_("probable cause"), blank=True)
    fix_steps = models.TextField(_("known fix steps"), blank=True)
    tools = models.CharField(_("tools to bring"), max_length=250, blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills needed"), blank=True, related_name="error_codes"
    )
    parts = models.ManyToManyField(
        Part, verbose_name=_("parts likely needed"), blank=True, related_name="error_codes"
    )

    class Meta:
        verbose_name = _("error code")
        verbose_name_plural = _("error codes")
        ordering = ["manufacturer", "category", "code"]
        indexes = [
            models.Index(fields=["normalized_code", "manufacturer", "category"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appliance_model", "normalized_code"],
                condition=models.Q(appliance_model__isnull=False),
                name="error_code_per_model",
            ),
            models.UniqueConstraint(
                fields=["manufacturer", "category", "normalized_code"],
                condition=models.Q(appliance_model__isnull=True),
                name="error_code_per_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.normalized_code = normalize_code(self.code)
        super().save(*args, **kwargs)
