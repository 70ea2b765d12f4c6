# ruff: noqa: RUF001, RUF003 -- Bulgarian is written in Cyrillic.
# Django's Bulgarian formats start the week on Sunday; Bulgarian calendars start on Monday.
FIRST_DAY_OF_WEEK = 1

# CLDR patterns (babel) for fieldservice.localformat.
DAY_PATTERN = "EEE, d MMM"  # чт, 3 дек
LONG_DAY_PATTERN = "EEEE, d MMMM"  # четвъртък, 3 декември
YEAR_DAY_PATTERN = "EEEE, d MMMM y 'г'."  # четвъртък, 3 декември 2026 г.
DATE_PATTERN = "d MMM y 'г'."  # 3 дек 2026 г.
TIME_PATTERN = "HH:mm"  # 08:00
