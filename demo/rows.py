"""Fast inserts of plain rows for seed_demo: COPY on PostgreSQL, bulk_create elsewhere.

Building a Django model instance per row costs more than the insert itself at demo scale
(1.3 million rows for 100,000 tickets), so seed_demo produces plain values keyed by column
attribute name, with primary keys reserved up front so that children can point at parents.
"""

from __future__ import annotations

import datetime
import io
import json
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str:
        return value.translate(_ESCAPES)
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value).translate(_ESCAPES)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value).translate(_ESCAPES)


class RowWriter:
    """Buffers rows per model and writes them, parents first, on flush()."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self._next_id: dict[type, int] = {}
        self._templates: dict[type, dict] = {}
        self.now = timezone.now()

    def _template(self, model) -> dict:
        """Every column's default: COPY bypasses Django, which is where the defaults live."""
        if model not in self._templates:
            template = {}
            for f in model._meta.concrete_fields:
                if f.primary_key:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    template[f.attname] = self.now
                elif f.has_default() or f.null or f.blank:
                    template[f.attname] = f.get_default()
            self._templates[model] = template
        return self._templates[model]

    def reserve(self, model, count: int) -> list[int]:
        """Primary keys for `count` new rows of `model`."""
        if count == 0:
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if model not in self._next_id:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
                self._next_id[model] = cursor.fetchone()[0]
        first = self._next_id[model]
        self._next_id[model] = first + count
        return list(range(first, first + count))

    def add(self, model, **values) -> dict:
        """Buffer a row; the dict returned may still be changed until flush()."""
        row = {**self._template(model), **values}
        self.rows[model].append(row)
        return row

    def flush(self) -> int:
        written = 0
        for model, rows in self.rows.items():
            if not rows:
                continue
            if self.postgres:
                self._copy(model, rows)
            else:
                model.objects.bulk_create([model(**row) for row in rows], batch_size=500)
            written += len(rows)
        self.rows.clear()
        return written

    @staticmethod
    def _copy(model, rows: list[dict]) -> None:
        fields = {f.attname: f.column for f in model._meta.concrete_fields}
        names = list(rows[0])
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_text(row[name]) for name in names))
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(f'"{fields[name]}"' for name in names)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer
            )
