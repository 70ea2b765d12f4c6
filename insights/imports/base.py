"""The machinery every import kind shares: reading a CSV file (through django-import-export's
format) or an XLSX workbook (openpyxl, read-only), the rows with their errors by column, the
staged file between its preview and its confirmation, the cleaning of cells (a phone number
parsed once per file), geocoding cached per address, and what an import wrote.

A kind (insights.imports.KINDS) names its columns, its template's example row, a checker that
cleans every row and names its errors by column (reading the records it needs in a few
queries, whatever the file's length), its natural key, and a writer that writes a chunk of
valid rows with bulk reads and bulk writes (insights.services.import_rows calls it under one
transaction).
"""

from __future__ import annotations

import datetime
import io
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
import phonenumbers
import tablib
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats.base_formats import CSV, XLSX

from customers import geocoding
from customers.models import Site
from customers.phones import parse_phone
from fieldservice.errors import InvalidInput

# The largest file taken (a 100 MB upload is refused before it is read).
MAX_BYTES = 16 * 1024 * 1024  # 50,000 customers with their appliance come to about 9 MB
MAX_ROWS = 50_000
STAGED_SECONDS = 3600
# Rows written per round of bulk reads and writes: an import's queries grow with its chunks,
# never with its rows.
CHUNK = 1000


@dataclass
class Row:
    """One line of the file (numbered as a spreadsheet shows it: the header is line 1), its
    values cleaned, its errors as (column, message), and what the checker found for it in
    the records (`found`: a catalogue model, a customer, skills...)."""

    line: int
    values: dict[str, Any]
    columns: tuple[str, ...] = ()
    errors: list[tuple[str, str]] = field(default_factory=list)
    found: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    @property
    def model(self) -> Any:
        return self.found.get("model")

    @property
    def cells(self) -> list[tuple[str, Any, bool]]:
        """(column, value, whether it has an error) in the columns' order, for the preview."""
        wrong = {column for column, _message in self.errors}
        shown = []
        for c in self.columns:
            value = self.values.get(c)
            shown.append((c, "" if value is None else value, c in wrong))
        return shown


@dataclass
class Imported:
    """What an import wrote: how many of each were added or changed (`counts`, by the kind's
    names), which lines' addresses could not be placed on the map, and how many rows with
    errors were left out."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    unplaced: list[int] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def __getattr__(self, name: str) -> int:
        # customers_added, parts_changed...: the counts read as attributes, 0 when none.
        if name.endswith(("_added", "_changed")):
            return self.__dict__.get("counts", {}).get(name, 0)
        raise AttributeError(name)

    @property
    def changed_nothing(self) -> bool:
        return not any(self.counts.values())

    def as_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "skipped": self.skipped, "unplaced": self.unplaced}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Imported:
        return cls(
            counts=dict(data.get("counts") or {}),
            skipped=int(data.get("skipped") or 0),
            unplaced=list(data.get("unplaced") or []),
        )


Progress = Callable[[int], None]


@dataclass(frozen=True)
class Kind:
    """One kind of import: what its file holds and how its rows are checked and written."""

    name: str
    label: Any  # lazy: the page's title
    description: Any  # lazy: a sentence under it, naming the natural key
    columns: tuple[str, ...]
    required: tuple[str, ...]
    example: dict[str, Any]
    # The columns that find a row's record again (documentation, and the template's order).
    key: tuple[str, ...]
    # Clean every row in place and name its errors; a few queries whatever the rows' number.
    check: Callable[[list[Row]], None]
    # Write a chunk of valid rows; the counts it adds are named in `counts`.
    write: Callable[[list[Row], Imported, Geocoder], None]
    counts: tuple[tuple[str, Any], ...]
    # Columns read as dates or numbers by the checker (not turned into text first).
    typed: tuple[str, ...] = ()

    def template(self, fmt: str) -> bytes | str:
        """The columns with the example row, as CSV or XLSX."""
        data = tablib.Dataset(headers=list(self.columns))
        data.append([self.example.get(c, "") for c in self.columns])
        return (CSV if fmt == "csv" else XLSX)().export_data(data)

    def check_rows(self, raw: list[dict[str, Any]]) -> list[Row]:
        """Every row with its values cleaned and its errors named by column."""
        rows = []
        for i, r in enumerate(raw):
            values = {c: r.get(c) if c in self.typed else text(r.get(c)) for c in self.columns}
            rows.append(Row(line=i + 2, values=values, columns=self.columns))
        for row in rows:
            for column in self.required:
                if not row.values[column]:
                    row.error(column, _("This column is required."))
        self.check(rows)
        return rows

    def labelled(self, result: Imported) -> list[tuple[str, Any, int]]:
        """(name, label, number) of each count, in the kind's order, for the result's page."""
        return [(name, label, result.counts.get(name, 0)) for name, label in self.counts]


def taken_since_check(row: Row, message: str, *, field: str) -> InvalidInput:
    """The error for a row that passed the check but whose natural key another customer took
    before it was written: the writer refuses the whole file with it, naming the line."""
    return InvalidInput(
        _("Line %(line)s: %(message)s") % {"line": row.line, "message": message}, field=field
    )


def ensure_importable(rows: list[Row], *, only_valid: bool) -> None:
    """Refuse a file with errors unless only its valid rows are to be written."""
    invalid = sum(1 for row in rows if not row.valid)
    if invalid and not only_valid:
        raise InvalidInput(
            ngettext(
                "%(n)s row has errors: correct it, or import only the valid rows.",
                "%(n)s rows have errors: correct them, or import only the valid rows.",
                invalid,
            )
            % {"n": invalid},
            field="file",
        )


def check_size(size: int) -> None:
    """Refuse a file over the limit before it is read."""
    if size > MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )


def read_file(*, name: str, content: bytes, required: tuple[str, ...]) -> list[dict[str, Any]]:
    """The file's rows as dicts by column name (lower-cased headers), or InvalidInput saying
    what is wrong with the file as a whole: empty, too big, not CSV or XLSX, not UTF-8, or
    without the columns every row needs."""
    check_size(len(content))
    if not content.strip():
        raise InvalidInput(_("The file is empty."), field="file")
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        header, lines = _read_xlsx(content)
    elif lowered.endswith(".csv"):
        header, lines = _read_csv(content)
    else:
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file")
    headers = [str(h or "").strip().lower() for h in header]
    missing = [c for c in required if c not in headers]
    if missing:
        raise InvalidInput(
            _("The file has no column %(columns)s: start from the template.")
            % {"columns": ", ".join(missing)},
            field="file",
        )
    rows = [
        dict(zip(headers, values, strict=False))
        for values in lines
        if any(v not in (None, "") for v in values)
    ]
    if not rows:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            _("The file has more than %(n)s rows: split it.") % {"n": MAX_ROWS}, field="file"
        )
    return rows


def _read_csv(content: bytes) -> tuple[Sequence[Any], Iterable[Sequence[Any]]]:
    """The header and the lines of a CSV file, through tablib (which refuses a ragged table)."""
    try:
        text_ = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("The file is not in UTF-8: save it as “CSV UTF-8” and upload it again."),
            field="file",
        ) from exc
    if "\x00" in text_:
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file")
    try:
        dataset = CSV().create_dataset(text_)
    except Exception as exc:  # tablib raises many kinds for a file that is not a table
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file") from exc
    return dataset.headers or [], dataset


def _read_xlsx(content: bytes) -> tuple[Sequence[Any], Iterable[Sequence[Any]]]:
    """The header and the lines of a workbook's active sheet, read by openpyxl as a stream of
    values (read-only, the formulas' last computed values): no cell objects, no tablib
    dataset between them and the rows."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.active
            # The dimensions a file declares may be wrong: read every cell there is.
            sheet.reset_dimensions()
            lines = sheet.iter_rows(values_only=True)
            header = next(lines, None)
            if header is None:  # a workbook without a single row
                raise InvalidInput(_("The file is empty."), field="file")
            return header, list(lines)
        finally:
            book.close()
    except InvalidInput:
        raise
    except Exception as exc:  # openpyxl: BadZipFile, KeyError, InvalidFileException, ...
        raise InvalidInput(_("Upload a CSV or an XLSX file."), field="file") from exc


@dataclass(frozen=True)
class Staged:
    """An uploaded file kept between its preview and its confirmation."""

    kind: str
    name: str
    content: bytes
    invalid: int


def stage(*, user_id: int, kind: str, name: str, content: bytes, invalid: int) -> str:
    """Keep an uploaded file for an hour between its preview and its confirmation; the token
    that names it works only for the user who uploaded it."""
    token = secrets.token_urlsafe(16)
    cache.set(f"insights-import:{user_id}:{token}", (kind, name, content, invalid), STAGED_SECONDS)
    return token


def staged(*, user_id: int, token: str) -> Staged | None:
    """The file `stage` kept under this token for this user, or None (expired, or not theirs)."""
    if not token or len(token) > 64:
        return None
    kept = cache.get(f"insights-import:{user_id}:{token}")
    return Staged(*kept) if kept else None


def unstage(*, user_id: int, token: str) -> None:
    cache.delete(f"insights-import:{user_id}:{token}")


def progress_key(run_id: int) -> str:
    """Where a running import keeps the rows it has written (insights.services.run_import)."""
    return f"insights-import-progress:{run_id}"


def progress(run_id: int) -> int:
    """The rows a running import has written so far."""
    return int(cache.get(progress_key(run_id)) or 0)


def chunks(rows: list[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# Cleaning cells.


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 1001.0 is the number 1001
    return str(value).strip()


def date(row: Row, column: str) -> datetime.date | None:
    value = row.values.get(column)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(text(value))
    except ValueError:
        row.error(column, _("Not a date: write it as YYYY-MM-DD."))
        return None


YES = {"yes", "y", "true", "1", "x", "si", "sí", "да"}
NO = {"no", "n", "false", "0", "не"}


def boolean(row: Row, column: str) -> bool | None:
    """A yes/no cell; None when empty (a new record takes the default, a known one keeps its
    value)."""
    value = text(row.values.get(column)).casefold()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    row.error(column, _("Write “yes” or “no”."))
    return None


def decimal(row: Row, column: str, *, places: int = 2, most: Decimal) -> Decimal | None:
    """A non-negative amount with at most `places` decimals and below `most`; None when empty."""
    raw = text(row.values.get(column)).replace(" ", "")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        row.error(column, _("Not a number: write it like 12.50."))
        return None
    if not amount.is_finite() or amount < 0 or amount >= most:
        row.error(column, _("The amount is out of range."))
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        row.error(column, _("At most %(n)s decimals.") % {"n": places})
        return None
    return amount.quantize(Decimal(1).scaleb(-places))


def whole(row: Row, column: str, *, least: int = 0, most: int = 32767) -> int | None:
    """A whole number in [least, most]; None when empty."""
    raw = text(row.values.get(column))
    if not raw:
        return None
    try:
        number = int(raw)
    except ValueError:
        row.error(column, _("Not a whole number."))
        return None
    if not least <= number <= most:
        row.error(
            column,
            _("Give a number from %(least)s to %(most)s.") % {"least": least, "most": most},
        )
        return None
    return number


# Each phone number a file gave so far: its E.164 spelling and its parse, None if not valid.
Numbers = dict[str, tuple[str, phonenumbers.PhoneNumber] | None]


def phone(row: Row, numbers: Numbers, column: str = "phone") -> None:
    """A phone number read in E.164, its parse kept in `row.found[column]` (for
    customers.phones.checked: stored without a second parse), or an error. `numbers` keeps
    the file's numbers read so far: a number repeated (a company's switchboard) is parsed
    once."""
    raw = row.values[column]
    if not raw:
        return
    if raw not in numbers:
        number = parse_phone(raw)
        numbers[raw] = (
            None
            if number is None
            else (phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), number)
        )
    known = numbers[raw]
    if known is None:
        row.error(column, _("That phone number is not valid."))
        row.values[column] = ""
    else:
        row.values[column], row.found[column] = known


def too_long(row: Row, column: str, limit: int) -> None:
    if len(row.values[column]) > limit:
        row.error(column, _("Longer than %(n)s characters.") % {"n": limit})


class Geocoder:
    """The configured geocoder, asked once per distinct address of an import."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, str, str], geocoding.Place | None] = {}

    def place(
        self, *, address: str, city: str, postal_code: str, country: str
    ) -> geocoding.Place | None:
        key = (address.casefold(), city.casefold(), postal_code.casefold(), country.upper())
        if key not in self._known:
            self._known[key] = geocoding.geocode(
                address=address, city=city, postal_code=postal_code, country=country
            )
        return self._known[key]

    def site_fields(
        self, *, address: str, city: str, postal_code: str, country: str
    ) -> dict[str, Any]:
        """A new site's coordinates and placement, as customers.services.add_site sets them."""
        place = self.place(address=address, city=city, postal_code=postal_code, country=country)
        if place is None:
            return {"latitude": None, "longitude": None, "placement": Site.Placement.UNPLACED}
        return {
            "latitude": place.latitude,
            "longitude": place.longitude,
            "placement": Site.Placement.GEOCODED_STREET
            if place.precision == "street"
            else Site.Placement.GEOCODED_CITY,
        }
