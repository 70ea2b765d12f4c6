"""The catalog the desk and the technicians share: spare parts, and what each error code on an
appliance's display means, which skills and parts fixing it takes, and the known fix."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import ApplianceModel
from technicians.models import Skill

from .codes import normalize_code


class Part(models.Model):
    """A spare part from the catalog."""

    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2, default=0)
    # Stock rules (inventory): a counted part moves in whole units, a measured one (cable by
    # the metre) in decimals; a part may be allowed below zero (the shortfall is flagged to
    # the warehouse); a serial-tracked part moves one serial at a time.
    counted = models.BooleanField(
        _("counted in whole units"),
        default=True,
        help_text=_("Untick for parts measured in decimals, such as cable by the metre."),
    )
    allow_negative_stock = models.BooleanField(
        _("may go below zero in stock"),
        default=False,
        help_text=_("A shortfall is then flagged to the warehouse instead of refused."),
    )
    serial_tracked = models.BooleanField(_("tracked by serial number"), default=False)

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


class Article(models.Model):
    """A knowledge-base article: what the caller sees and the steps the first line walks them
    through on the phone, for some error codes and appliance models. Public ones are shown to
    customers too. Written only by catalog.services.save_article, which keeps its history."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal")
        PUBLIC = "public", _("Public")

    title = models.CharField(_("title"), max_length=200)
    symptoms = models.TextField(_("symptoms"), blank=True)
    # Plain text, shown escaped with its line breaks: never HTML.
    steps = models.TextField(_("steps"), blank=True)
    error_codes = models.ManyToManyField(
        ErrorCode, verbose_name=_("error codes"), blank=True, related_name="articles"
    )
    appliance_models = models.ManyToManyField(
        ApplianceModel, verbose_name=_("appliance models"), blank=True, related_name="articles"
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    # The linked codes as words, kept by save_article, so full-text search finds an article by
    # its codes with an index on this one table.
    code_words = models.TextField(_("code words"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class ArticleRevision(models.Model):
    """One save of an article: what it said before that save (blank for the first one), by
    whom and when."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("previous title"), max_length=200, blank=True)
    symptoms = models.TextField(_("previous symptoms"), blank=True)
    steps = models.TextField(_("previous steps"), blank=True)
    visibility = models.CharField(
        _("previous visibility"), max_length=10, choices=Article.Visibility.choices, blank=True
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article} #{self.number}"

    @property
    def is_first(self) -> bool:
        return self.number == 1
