"""Reads of the catalog: which error codes apply to an appliance model, matching the codes a
customer reads off a display to them, finding parts, and knowledge-base articles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Q, QuerySet

from customers.models import ApplianceModel

from .codes import normalize_code
from .models import Article, ErrorCode, Part
from .search import CONFIG, article_vector


@dataclass
class CodeMatch:
    """The result of matching: catalog entries found, and what was typed but not found."""

    matched: list[ErrorCode] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def catalog_for(model: ApplianceModel) -> QuerySet[ErrorCode]:
    """Codes that apply to an appliance model: its own first, then its manufacturer's family."""
    return ErrorCode.objects.filter(
        Q(appliance_model=model)
        | Q(
            appliance_model__isnull=True,
            manufacturer__iexact=model.manufacturer,
            category=model.category,
        )
    )


def match_codes(typed: list[str], model: ApplianceModel | None) -> CodeMatch:
    """Match each typed code, per model first, then per manufacturer and category.

    Unknown codes are returned so the caller keeps and flags them; nothing is dropped.
    """
    result = CodeMatch()
    wanted = [(raw, normalize_code(raw)) for raw in typed if normalize_code(raw)]
    if not wanted:
        return result
    if model is None:
        result.unknown = [raw for raw, _ in wanted]
        return result
    candidates = catalog_for(model).filter(normalized_code__in={n for _, n in wanted})
    by_code: dict[str, ErrorCode] = {}
    for code in candidates.prefetch_related("skills", "parts"):
        current = by_code.get(code.normalized_code)
        # A model-specific entry beats the family entry for the same code.
        if current is None or (current.appliance_model_id is None and code.appliance_model_id):
            by_code[code.normalized_code] = code
    seen: set[str] = set()
    for raw, norm in wanted:
        if norm in seen:
            continue
        seen.add(norm)
        if norm in by_code:
            result.matched.append(by_code[norm])
        else:
            result.unknown.append(raw)
    return result


def codes_starting(*, model: ApplianceModel | None, typed: str, limit: int) -> QuerySet[ErrorCode]:
    """The codes of an appliance model (and its family) that start like what is typed, each
    once: the model's own entry wins over its family's for the same code. None for an
    appliance not matched to the catalogue yet."""
    prefix = normalize_code(typed)
    if not prefix or model is None:
        return ErrorCode.objects.none()
    found = catalog_for(model).filter(normalized_code__startswith=prefix)
    own = found.filter(appliance_model=model).values("normalized_code")
    return (
        found.exclude(Q(appliance_model__isnull=True) & Q(normalized_code__in=own))
        .order_by("normalized_code")
        .prefetch_related("skills", "parts")[:limit]
    )


def search_parts(*, text: str, excluding: list[int], limit: int) -> QuerySet[Part]:
    """Parts whose name or SKU holds what is typed (two characters at least), by name."""
    text = text.strip()
    if len(text) < 2:
        return Part.objects.none()
    return (
        Part.objects.filter(Q(name__icontains=text) | Q(sku__icontains=text))
        .exclude(pk__in=excluding)
        .order_by("name", "sku")[:limit]
    )


def articles(*, public_only: bool) -> QuerySet[Article]:
    """Articles, only the public ones for customers, with their links for a list."""
    found = Article.objects.all()
    if public_only:
        found = found.filter(visibility=Article.Visibility.PUBLIC)
    return found.select_related("updated_by").prefetch_related("error_codes", "appliance_models")


def search_articles(q: str, *, public_only: bool) -> QuerySet[Article]:
    """Articles matching the words in `q` (in title, symptoms, steps or the linked codes), the
    best first; all of them, by title, for an empty `q`. Full-text on PostgreSQL (the GIN index
    of catalog.search); every word somewhere in those fields on SQLite. The caller keeps
    control characters out of `q` (catalog.services.ensure_plain_text)."""
    found = articles(public_only=public_only)
    words = q.split()
    if not words:
        return found
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), config=CONFIG, search_type="websearch")
        return (
            found.alias(search=article_vector())
            .filter(search=query)
            .annotate(rank=SearchRank(article_vector(), query))
            .order_by("-rank", "title", "pk")
        )
    for word in words:
        found = found.filter(
            Q(title__icontains=word)
            | Q(symptoms__icontains=word)
            | Q(steps__icontains=word)
            | Q(code_words__icontains=word)
        )
    return found


def articles_for_codes(
    codes: list[ErrorCode], model: ApplianceModel | None, *, public_only: bool = False
) -> QuerySet[Article]:
    """Articles linked to any of the matched codes or to the appliance's model, each once."""
    link = Q(error_codes__in=[c.pk for c in codes])
    if model is not None:
        link |= Q(appliance_models=model)
    if not codes and model is None:
        return Article.objects.none()
    ids = Article.objects.filter(link).values("pk")
    return articles(public_only=public_only).filter(pk__in=ids)
