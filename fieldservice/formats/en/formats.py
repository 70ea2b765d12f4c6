# CLDR patterns (babel) for fieldservice.localformat; English as the pages always wrote it.
DAY_PATTERN = "EEE d MMM"  # Thu 3 Dec
LONG_DAY_PATTERN = "EEEE d MMMM"  # Thursday 3 December
YEAR_DAY_PATTERN = "EEEE d MMMM y"  # Thursday 3 December 2026
DATE_PATTERN = "d MMM y"  # 3 Dec 2026
TIME_PATTERN = "HH:mm"  # 08:00, a 24-hour clock as dispatch always used
