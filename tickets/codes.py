"""Matching the codes a customer reads off a display to the error-code catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from customers.models import ApplianceModel

from .models import ErrorCode

_NOISE = re.compile(r"[\s\-_.:]+")


def normalize_code(code: str) -> str:
    """Upper-case and drop spaces and separators: "e 21", "E-21" and "e21" are all "E21"."""
    return _NOISE.sub("", code or "").upper()


def split_codes(text: str) -> list[str]:
    """Split what an agent typed ("E21, F05; 3E") into codes, keeping each as typed."""
    return [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]


@dataclass
class CodeMatch:
    """The result of matching: catalog entries found, and what was typed but not found."""

    matched: list[ErrorCode] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def catalog_for(model: ApplianceModel):
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
