"""What the import tests share: a manager's client, files written from rows, the preview and
its confirmation (the task runs eagerly once the run is committed)."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse


def csv_file(columns, rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_file(columns, rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind: str, content: bytes, name: str = "file.csv"):
    return client.post(
        f"{reverse('insights:import')}?kind={kind}", {"file": SimpleUploadedFile(name, content)}
    )


def confirm(client, preview, only_valid: bool = False):
    """Confirm a preview and open the import's page, or the refusal when there is one."""
    data = {"token": preview.context["confirm"].initial["token"]}
    if only_valid:
        data["only_valid"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("insights:import_confirm"), data)
    return client.get(response.url) if response.status_code == 302 else response


def errors_by_line(preview) -> dict[int, list[str]]:
    return {row.line: sorted(c for c, _m in row.errors) for row in preview.context["rows"]}
