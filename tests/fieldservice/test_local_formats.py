"""Money, days, times, phone numbers and the week's first day as each language writes them."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from fieldservice import localformat
from fieldservice.money import Money
from notifications import wording
from tickets.selectors import _local_time

ROME = ZoneInfo("Europe/Rome")
THURSDAY = datetime.datetime(2026, 12, 3, 7, 5, tzinfo=datetime.UTC)  # 08:05 in Rome
NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,234.50"),
        ("it", f"1.234,50{NBSP}€"),
        ("es", f"1.234,50{NBSP}€"),
        ("bg", f"1{NBSP}234,50{NBSP}€"),
    ],
)
def test_money_is_written_as_the_readers_language_writes_it(language, expected):
    with translation.override(language):
        assert str(Money(Decimal("1234.5"), "EUR")) == expected


def test_a_currency_written_in_letters_is_kept_apart_from_the_amount():
    with translation.override("en"):
        assert str(Money(Decimal("85"), "CHF")) == f"CHF{NBSP}85.00"
        assert str(Money(Decimal("-5"), "USD")) == "-$5.00"


@pytest.mark.parametrize(
    ("language", "day_time", "long_day"),
    [
        ("en", "Thu 3 Dec 08:05", "Thursday 3 December"),
        ("it", "gio 3 dic 08:05", "giovedì 3 dicembre"),
        ("es", "jue 3 dic 08:05", "jueves 3 de diciembre"),
        ("bg", "чт, 3 дек 08:05", "четвъртък, 3 декември"),
    ],
)
def test_a_day_and_time_are_written_in_each_language_on_the_given_clock(
    language, day_time, long_day
):
    with translation.override(language):
        assert localformat.moment(THURSDAY, "day_time", tz=ROME) == day_time
        assert localformat.moment(THURSDAY.date(), "long_day") == long_day
        # The board's event history and the SMS write the moment the same way.
        assert _local_time(THURSDAY.isoformat(), ROME) == day_time
    assert wording.when(THURSDAY, ROME, language) == day_time.replace(" 08:05", ", 08:05")


def test_templates_write_days_through_the_language_not_english_patterns():
    template = Template("{% load local %}{{ moment|day_time }}-{{ end|hm }} {{ moment|long_day }}")
    end = THURSDAY + datetime.timedelta(hours=2)
    with translation.override("it"), override_settings(TIME_ZONE="Europe/Rome"):
        text = template.render(Context({"moment": THURSDAY, "end": end}))
    assert text == "gio 3 dic 08:05-10:05 giovedì 3 dicembre"


def test_no_template_keeps_a_hard_coded_date_or_time_pattern():
    templates = Path(__file__).resolve().parents[2] / "templates"
    pattern = re.compile(r"\|(date|time):\"")
    offenders = [
        f"{path.relative_to(templates)}:{number}"
        for path in templates.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


@override_settings(FIELDSERVICE={"COUNTRY": "IT"})
def test_a_phone_in_the_companys_country_is_national_a_foreign_one_international():
    assert localformat.phone("+390612345678") == "06 1234 5678"
    assert localformat.phone("+35921234567") == "+359 2 123 4567"
    assert localformat.phone("not a number") == "not a number"
    rendered = Template("{% load local %}{{ p|phone }}").render(Context({"p": "+390612345678"}))
    assert rendered == "06 1234 5678"


@pytest.mark.parametrize(("language", "first"), [("en", 0), ("it", 1), ("es", 1), ("bg", 1)])
def test_the_week_starts_on_the_languages_first_day(language, first):
    assert localformat.first_day_of_week(language) == first
