"""Reads of the catalog: which error codes apply to an appliance model, matching the codes a
customer reads off a display to them, and finding parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from customers.models import ApplianceModel

from .codes import normalize_code
from .models import ErrorCode, Part


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
