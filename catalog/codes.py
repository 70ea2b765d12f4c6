"""Codes as people type them: normalized for matching, split from what an agent typed."""

from __future__ import annotations

import re

_NOISE = re.compile(r"[\s\-_.:]+")


def normalize_code(code: str) -> str:
    """Upper-case and drop spaces and separators: "e 21", "E-21" and "e21" are all "E21"."""
    return _NOISE.sub("", code or "").upper()


def split_codes(text: str) -> list[str]:
    """Split what an agent typed ("E21, F05; 3E") into codes, keeping each as typed."""
    return [part.strip() for part in re.split(r"[,;\n]+", text or "") if part.strip()]
