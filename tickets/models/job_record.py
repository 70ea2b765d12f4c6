"""What a technician records on a visit: notes, parts used, repair options, signature, photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Part

from .visits import Visit


def KEY_PER_VISIT(model: str) -> models.UniqueConstraint:  # noqa: N802 - used like a constant
    """A phone's idempotency key names one record of one visit; other visits' keys are apart."""
    return models.UniqueConstraint(fields=["visit", "client_key"], name=f"{model}_key_per_visit")


class JobEntry(models.Model):
    """What a technician records on a visit: a diagnostic, a finding or a note of work done.

    `client_key` is the phone's idempotency key: a replayed action finds its first record.
    """

    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic done")
        FINDING = "finding", _("Finding")
        WORK = "work", _("Work note")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.WORK)
    text = models.TextField(_("text"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("job entry")
        verbose_name_plural = _("job entries")
        ordering = ["at", "pk"]
        constraints = [KEY_PER_VISIT("jobentry")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"


class PartUsed(models.Model):
    """A catalog part fitted on a visit."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="parts_used"
    )
    part = models.ForeignKey(
        Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="part_quantity_positive"
            ),
            KEY_PER_VISIT("partused"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.part}"


class RepairOption(models.Model):
    """A repair offered to the customer with its price, and what they decided."""

    class Decision(models.TextChoices):
        OFFERED = "offered", _("Offered")
        CHOSEN = "chosen", _("Chosen")
        DECLINED = "declined", _("Declined")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="repair_options"
    )
    description = models.CharField(_("description"), max_length=250)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.OFFERED
    )
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("repair option")
        verbose_name_plural = _("repair options")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="repair_price_not_negative"
            ),
            KEY_PER_VISIT("repairoption"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.price})"


class Signature(models.Model):
    """The customer's signature on the completed visit, drawn on the phone."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="signature"
    )
    signed_by = models.CharField(_("signed by"), max_length=200)
    image = models.ImageField(_("image"), upload_to="signatures/%Y/%m/")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return self.signed_by


class VisitPhoto(models.Model):
    """A photo taken on the visit. The upload is kept as sent (`raw`) while a worker resizes it
    and re-encodes it without its metadata (GPS too) into `image`; the raw file goes once that
    is done, and stays until then, so a worker that fails loses nothing and can try again."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be read")

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to="photos/%Y/%m/", blank=True)
    raw = models.FileField(_("photo as sent"), upload_to="photos/raw/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.READY
    )
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    client_key = models.CharField(  # noqa: DJ001 - NULL is "no key": NULLs never collide
        _("client key"), max_length=64, null=True, blank=True
    )

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["at", "pk"]
        constraints = [KEY_PER_VISIT("visitphoto")]
        indexes = [
            models.Index(
                fields=["at"],
                name="visitphoto_processing",
                condition=models.Q(status="processing"),
            )
        ]

    def __str__(self) -> str:
        return self.caption or self.image.name or self.raw.name
