"""Data in: customers with their site and appliances from a CSV or XLSX file, read through
django-import-export's formats, checked row by row before anything is written.

A file is read (`read_file`), every row checked (`check_rows`: the errors named by column),
and only then written (`insights.services.import_customers`). Rows are matched by natural keys
(the customer's external id, else their email address; the site by its address; the appliance
by its model and serial number), so importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from customers.models import Appliance, ApplianceModel, Customer
from customers.phones import e164
from customers.services import EARLIEST_PURCHASE
from fieldservice.errors import InvalidInput

# The largest file taken (a 100 MB upload is refused before it is read).
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
STAGED_SECONDS = 3600

COLUMNS = (
    "external_id",
    "name",
    "kind",
    "email",
    "phone",
    "language",
    "address",
    "city",
    "postal_code",
    "country",
    "manufacturer",
    "model_number",
    "serial_number",
    "installed_on",
    "warranty_until",
)
REQUIRED = ("name", "address", "city")

# The template's example row, one customer with one appliance.
EXAMPLE = {
    "external_id": "C-1001",
    "name": "Maria Rossi",
    "kind": "person",
    "email": "maria.rossi@example.com",
    "phone": "+39 06 1234 5678",
    "language": "it",
    "address": "Via del Corso 12",
    "city": "Roma",
    "postal_code": "00186",
    "country": "IT",
    "manufacturer": "Bosch",
    "model_number": "WAN28201IT",
    "serial_number": "SN-000123",
    "installed_on": "2024-03-15",
    "warranty_until": "2026-03-15",
}

# How far ahead a warranty may end: a date past it is a slip (2205 for 2025).
WARRANTY_YEARS_AHEAD = 30


@dataclass
class Row:
    """One line of the file (numbered as a spreadsheet shows it: the header is line 1), its
    values cleaned, and its errors as (column, message)."""

    line: int
    values: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)
    model: ApplianceModel | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    @property
    def cells(self) -> list[tuple[str, Any, bool]]:
        """(column, value, whether it has an error) in the columns' order, for the preview."""
        wrong = {column for column, _message in self.errors}
        return [(c, self.values.get(c) or "", c in wrong) for c in COLUMNS]


def template(fmt: str) -> bytes | str:
    """The columns with the example row, as CSV or XLSX."""
    data = tablib.Dataset(headers=list(COLUMNS))
    data.append([EXAMPLE[c] for c in COLUMNS])
    return (CSV if fmt == "csv" else XLSX)().export_data(data)


def check_size(size: int) -> None:
    """Refuse a file over the limit before it is read."""
    if size > MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )


def read_file(*, name: str, content: bytes) -> list[dict[str, Any]]:
    """The file's rows as dicts by column name (lower-cased headers), or InvalidInput saying
    what is wrong with the file as a whole: empty, too big, not CSV or XLSX, not UTF-8, or
    without the columns every row needs."""
    check_size(len(content))
    if not content.strip():
        raise InvalidInput(_("The file is empty."), field="file")
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        dataset = _read_xlsx(content)
    elif lowered.endswith(".csv"):
        dataset = _read_csv(content)
    else:
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file")
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise InvalidInput(
            _("The file has no column %(columns)s: start from the template.")
            % {"columns": ", ".join(missing)},
            field="file",
        )
    rows = [
        dict(zip(headers, values, strict=False))
        for values in dataset
        if any(v not in (None, "") for v in values)
    ]
    if not rows:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            _("The file has more than %(n)s rows: split it.") % {"n": MAX_ROWS}, field="file"
        )
    return rows


def _read_csv(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("The file is not in UTF-8: save it as “CSV UTF-8” and upload it again."),
            field="file",
        ) from exc
    if "\x00" in text:
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file")
    try:
        return CSV().create_dataset(text)
    except Exception as exc:  # tablib raises many kinds for a file that is not a table
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file") from exc


def _read_xlsx(content: bytes):
    try:
        return XLSX().create_dataset(content)
    except StopIteration as exc:  # a workbook without a single row
        raise InvalidInput(_("The file is empty."), field="file") from exc
    except Exception as exc:  # openpyxl: BadZipFile, KeyError, InvalidFileException, ...
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file") from exc


def stage(*, user_id: int, name: str, content: bytes) -> str:
    """Keep an uploaded file for an hour between its preview and its confirmation; the token
    that names it works only for the user who uploaded it."""
    token = secrets.token_urlsafe(16)
    cache.set(f"insights-import:{user_id}:{token}", (name, content), STAGED_SECONDS)
    return token


def staged(*, user_id: int, token: str) -> tuple[str, bytes] | None:
    """The file `stage` kept under this token for this user, or None (expired, or not theirs)."""
    if not token or len(token) > 64:
        return None
    return cache.get(f"insights-import:{user_id}:{token}")


def unstage(*, user_id: int, token: str) -> None:
    cache.delete(f"insights-import:{user_id}:{token}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 1001.0 is the number 1001
    return str(value).strip()


def _date(row: Row, column: str) -> datetime.date | None:
    value = row.values.get(column)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        row.error(column, _("Not a date: write it as YYYY-MM-DD."))
        return None


def check_rows(raw: list[dict[str, Any]]) -> list[Row]:
    """Every row with its values cleaned and its errors named by column. Reads the catalogue
    models and the serials already registered in a few queries, whatever the file's length."""
    rows = [Row(line=i + 2, values={c: r.get(c) for c in COLUMNS}) for i, r in enumerate(raw)]
    for row in rows:
        for column in COLUMNS:
            if column not in ("installed_on", "warranty_until"):
                row.values[column] = _text(row.values[column])
    models = _models(rows)
    registered = _registered(rows)
    seen_serials: dict[tuple[int, str], int] = {}
    today = timezone.localdate()
    for row in rows:
        v = row.values
        _check_customer(row)
        _check_site(row)
        if v["serial_number"] or v["model_number"]:
            _check_appliance(row, models, registered, seen_serials, today)
    _check_keys(rows)
    return rows


def _check_customer(row: Row) -> None:
    v = row.values
    for column in REQUIRED:
        if not v[column]:
            row.error(column, _("This column is required."))
    for column in ("name", "email", "external_id"):
        limit = Customer._meta.get_field(column).max_length or 0
        if len(v[column]) > limit:
            row.error(column, _("Longer than %(n)s characters.") % {"n": limit})
    if v["email"]:
        v["email"] = v["email"].lower()
        try:
            validate_email(v["email"])
        except ValidationError:
            row.error("email", _("That email address is not valid."))
    if v["phone"]:
        phone = e164(v["phone"])
        if not phone:
            row.error("phone", _("That phone number is not valid."))
        v["phone"] = phone
    v["kind"] = v["kind"].lower() or Customer.Kind.PERSON
    if v["kind"] not in Customer.Kind.values:
        row.error("kind", _("Write “person” or “company”."))
    v["language"] = v["language"].lower() or "en"
    if v["language"] not in dict(Customer._meta.get_field("language").choices or []):
        row.error("language", _("Unknown language."))


def _check_site(row: Row) -> None:
    v = row.values
    v["country"] = (v["country"] or "IT").upper()
    if len(v["country"]) != 2 or not v["country"].isalpha():
        row.error("country", _("Write the country's two-letter code (IT, ES, BG)."))
    for column, limit in (("address", 250), ("city", 100), ("postal_code", 20)):
        if len(v[column]) > limit:
            row.error(column, _("Longer than %(n)s characters.") % {"n": limit})


def _check_appliance(
    row: Row,
    models: dict[tuple[str, str], ApplianceModel],
    registered: dict[tuple[int, str], Appliance],
    seen_serials: dict[tuple[int, str], int],
    today: datetime.date,
) -> None:
    v = row.values
    if not v["serial_number"]:
        row.error("serial_number", _("Give the appliance's serial number."))
    if not v["model_number"]:
        row.error("model_number", _("Give the model's catalogue number."))
        return
    model = models.get((v["manufacturer"].casefold(), v["model_number"].casefold()))
    if model is None and not v["manufacturer"]:
        found = [m for (_b, n), m in models.items() if n == v["model_number"].casefold()]
        model = found[0] if len(found) == 1 else None
    if model is None:
        row.error("model_number", _("No model with this number in the catalogue."))
    row.model = model
    installed = _date(row, "installed_on")
    warranty = _date(row, "warranty_until")
    v["installed_on"], v["warranty_until"] = installed, warranty
    if installed is not None and not (EARLIEST_PURCHASE <= installed <= today):
        row.error("installed_on", _("The date is out of range (from 1980 until today)."))
    latest = today.replace(year=today.year + WARRANTY_YEARS_AHEAD)
    if warranty is not None and not (EARLIEST_PURCHASE <= warranty <= latest):
        row.error("warranty_until", _("The date is out of range."))
    elif warranty is not None and installed is not None and warranty < installed:
        row.error("warranty_until", _("The warranty ends before the installation."))
    if model is None or not v["serial_number"]:
        return
    key = (model.pk, v["serial_number"].casefold())
    first = seen_serials.setdefault(key, row.line)
    if first != row.line:
        row.error(
            "serial_number",
            _("Duplicate serial: line %(line)s has this serial for this model.") % {"line": first},
        )
        return
    existing = registered.get(key)
    if existing is not None and not _same_customer(existing.site.customer, v):
        row.error(
            "serial_number",
            _("Duplicate serial: another customer has an appliance with this serial."),
        )


def _check_keys(rows: list[Row]) -> None:
    """A row's email address may not belong to a customer known by another external id: the
    import would otherwise take one customer for another."""
    emails = {r.values["email"] for r in rows if r.values["email"] and r.values["external_id"]}
    if not emails:
        return
    known = {
        c.email.lower(): c.external_id
        for c in Customer.objects.filter(email__in=emails).only("email", "external_id")
    }
    for row in rows:
        other = known.get(row.values["email"]) if row.values["external_id"] else None
        if other and other != row.values["external_id"]:
            row.error(
                "email",
                _("Another customer (external id %(id)s) has this email address already.")
                % {"id": other},
            )


def _same_customer(customer: Customer, v: dict[str, Any]) -> bool:
    if v["external_id"]:
        return customer.external_id == v["external_id"]
    return bool(v["email"]) and customer.email.lower() == v["email"]


def _models(rows: list[Row]) -> dict[tuple[str, str], ApplianceModel]:
    numbers = {r.values["model_number"].upper() for r in rows if r.values["model_number"]}
    if not numbers:
        return {}
    found = ApplianceModel.objects.annotate(number=Upper("model_number")).filter(number__in=numbers)
    return {(m.manufacturer.casefold(), m.model_number.casefold()): m for m in found}


def _registered(rows: list[Row]) -> dict[tuple[int, str], Appliance]:
    serials = {r.values["serial_number"] for r in rows if r.values["serial_number"]}
    if not serials:
        return {}
    found = Appliance.objects.filter(serial_number__in=serials, model__isnull=False)
    return {
        (a.model_id, a.serial_number.casefold()): a
        for a in found.select_related("site__customer")
        if a.model_id is not None
    }
