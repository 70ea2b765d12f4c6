"""Data in: customers (with their site and appliances), organizations' contacts, sites,
appliances, parts, technicians and contracts from a CSV file (read through django-import-export's
format) or an XLSX workbook (read by openpyxl as a stream of values), checked row by row
before anything is written.

A file is read (`read_file`), every row checked (`Kind.check_rows`: the errors named by
column), and only then written (insights.services.import_rows, chunk by chunk with each kind's
writer). Rows are matched by each kind's natural key, so importing the same file again changes
nothing.
"""

from __future__ import annotations

from typing import Any

from . import appliances, contacts, contracts, customers, parts, sites, technicians
from .base import (
    CHUNK,
    MAX_BYTES,
    MAX_ROWS,
    STAGED_SECONDS,
    Geocoder,
    Imported,
    Kind,
    Row,
    Staged,
    check_size,
    chunks,
    ensure_importable,
    progress,
    progress_key,
    stage,
    staged,
    unstage,
)
from .base import read_file as read_any

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        customers.KIND,
        contacts.KIND,
        sites.KIND,
        appliances.KIND,
        parts.KIND,
        technicians.KIND,
        contracts.KIND,
    )
}
DEFAULT = "customers"

# The customers' import, as the callers before the registry knew it.
COLUMNS = customers.COLUMNS
EXAMPLE = customers.EXAMPLE

__all__ = [
    "CHUNK",
    "COLUMNS",
    "DEFAULT",
    "EXAMPLE",
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "STAGED_SECONDS",
    "Geocoder",
    "Imported",
    "Kind",
    "Row",
    "Staged",
    "check_rows",
    "check_size",
    "chunks",
    "ensure_importable",
    "progress",
    "progress_key",
    "read_file",
    "stage",
    "staged",
    "unstage",
]


def read_file(*, name: str, content: bytes, kind: str = DEFAULT) -> list[dict[str, Any]]:
    """The file's rows for this kind of import (see base.read_file)."""
    return read_any(name=name, content=content, required=KINDS[kind].required)


def check_rows(raw: list[dict[str, Any]], kind: str = DEFAULT) -> list[Row]:
    return KINDS[kind].check_rows(raw)
