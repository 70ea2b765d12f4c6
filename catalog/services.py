"""Writes on the catalog: knowledge-base articles, each save kept as a revision."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import ApplianceModel
from fieldservice.errors import InvalidInput

from .models import Article, ArticleRevision, ErrorCode

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TITLE = 200  # Article.title holds 200
TEXT = 10000  # symptoms or steps: a page of instructions, not a manual

# Control characters (tabs and line breaks are text; a NUL PostgreSQL cannot even store).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")


def ensure_plain_text(text: str, *, field: str, label: str, one_line: bool = False) -> None:
    """InvalidInput naming the field when the text holds control characters (or, for a
    one-line field, line breaks)."""
    if _CONTROL.search(text) or (one_line and _LINE_BREAK.search(text)):
        raise InvalidInput(
            _("%(field)s cannot contain control characters.") % {"field": label}, field=field
        )


def _ensure_length(text: str, *, limit: int, field: str, label: str) -> None:
    if len(text) > limit:
        raise InvalidInput(
            _("%(field)s: at most %(limit)d characters (this has %(length)d).")
            % {"field": label, "limit": limit, "length": len(text)},
            field=field,
        )


@transaction.atomic
def save_article(
    *,
    article: Article | None = None,
    title: str,
    symptoms: str = "",
    steps: str = "",
    visibility: str = Article.Visibility.INTERNAL,
    error_codes: Iterable[ErrorCode] = (),
    appliance_models: Iterable[ApplianceModel] = (),
    by: User | None,
) -> Article:
    """Create an article (`article` None) or change one, recording a revision with what it
    said before. Every error names its field and nothing is written. A save that changes
    nothing writes nothing."""
    title = title.strip()
    if not title:
        raise InvalidInput(_("Give the article a title."), field="title")
    _ensure_length(title, limit=TITLE, field="title", label=_("Title"))
    ensure_plain_text(title, field="title", label=_("The title"), one_line=True)
    for value, field, label in (
        (symptoms, "symptoms", _("Symptoms")),
        (steps, "steps", _("Steps")),
    ):
        _ensure_length(value, limit=TEXT, field=field, label=label)
        ensure_plain_text(value, field=field, label=label)
    if visibility not in Article.Visibility.values:
        raise InvalidInput(_("Unknown visibility: %(v)s.") % {"v": visibility}, field="visibility")
    codes = list(error_codes)
    known = set(ErrorCode.objects.filter(pk__in=[c.pk for c in codes]).values_list("pk", flat=True))
    missing = [c for c in codes if c.pk not in known]
    if missing:
        raise InvalidInput(
            _("Unknown error code: %(code)s.") % {"code": missing[0].code}, field="error_codes"
        )
    models = list(appliance_models)

    if article is None:
        article = Article()
        previous = None
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        previous = {
            "title": article.title,
            "symptoms": article.symptoms,
            "steps": article.steps,
            "visibility": article.visibility,
        }
        same_links = set(article.error_codes.values_list("pk", flat=True)) == known and set(
            article.appliance_models.values_list("pk", flat=True)
        ) == {m.pk for m in models}
        wanted = {"title": title, "symptoms": symptoms, "steps": steps, "visibility": visibility}
        if same_links and previous == wanted:
            return article

    now = timezone.now()
    article.title, article.symptoms, article.steps = title, symptoms, steps
    article.visibility = visibility
    article.code_words = " ".join(
        sorted({word for c in codes for word in (c.code, c.normalized_code, c.title)})
    )
    article.updated_at = now
    article.updated_by = by if by is not None and by.is_authenticated else None
    if previous is None:
        article.created_at = now
    article.save()
    article.error_codes.set(codes)
    article.appliance_models.set(models)
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ArticleRevision.objects.create(
        article=article,
        number=last + 1,
        changed_at=now,
        changed_by=article.updated_by,
        **(previous or {}),
    )
    return article
