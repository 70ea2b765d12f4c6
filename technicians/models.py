"""The people who go out: their skills, licences, working hours and time off."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from timezone_field import TimeZoneField

from customers.models import ApplianceModel


class Skill(models.Model):
    """Something a job needs and a technician can do; some need a valid certification."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    requires_certification = models.BooleanField(_("requires a certification"), default=False)
    appliance_category = models.CharField(
        _("general skill for category"),
        max_length=20,
        choices=ApplianceModel.Category.choices,
        blank=True,
        help_text=_("Every job on appliances of this category needs this skill."),
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Technician(models.Model):
    """A user who does field work."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="technician",
    )
    phone = PhoneNumberField(_("phone"), blank=True)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="technicians"
    )
    home_latitude = models.FloatField(_("home base latitude"))
    home_longitude = models.FloatField(_("home base longitude"))
    timezone = TimeZoneField(_("time zone"), default=settings.TIME_ZONE)
    region = models.CharField(_("area"), max_length=100, blank=True, db_index=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("technician")
        verbose_name_plural = _("technicians")
        ordering = ["user__first_name", "user__last_name", "pk"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def name(self) -> str:
        return str(self)


class WorkingHours(models.Model):
    """A technician's local working hours for one weekday, with an optional break."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    technician = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    break_starts_at = models.TimeField(_("break starts at"), null=True, blank=True)
    break_ends_at = models.TimeField(_("break ends at"), null=True, blank=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["technician", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["technician", "weekday"], name="one_shift_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(break_starts_at__isnull=True, break_ends_at__isnull=True)
                | models.Q(
                    break_starts_at__gte=models.F("starts_at"),
                    break_ends_at__gt=models.F("break_starts_at"),
                    break_ends_at__lte=models.F("ends_at"),
                ),
                name="break_inside_shift",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOff(models.Model):
    """A span when a technician is not available (holiday, sickness, training)."""

    technician = models.ForeignKey(
        Technician, verbose_name=_("technician"), on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["technician", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="time_off_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.technician}: {self.starts_at:%Y-%m-%d} - {self.ends_at:%Y-%m-%d}"


class Certification(models.Model):
    """A licence (electrician, gas/HVAC) that allows a technician to use certain skills."""

    class Kind(models.TextChoices):
        ELECTRICIAN = "electrician", _("Electrician")
        GAS = "gas", _("Gas / HVAC licence")
        REFRIGERANT = "refrigerant", _("F-gas refrigerant handling")
        MANUFACTURER = "manufacturer", _("Manufacturer training")

    technician = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills it enables"), related_name="certifications"
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["technician", "expires_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.issued_on is None or self.issued_on <= day) and day <= self.expires_on


class TrainingRecord(models.Model):
    """A course a technician took (a manufacturer's, a safety course), with who gave it and,
    for those that lapse, until when it counts. Unlike a certification it enables no skill:
    it tells a dispatcher who was trained on what."""

    technician = models.ForeignKey(
        Technician,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="training_records",
    )
    course = models.CharField(_("course"), max_length=200)
    date = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["technician", "-date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("date")),
                name="training_expires_after_course",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.date:%Y-%m-%d})"

    def is_expired_on(self, day: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < day
