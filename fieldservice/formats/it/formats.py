# CLDR patterns (babel) for fieldservice.localformat.
DAY_PATTERN = "EEE d MMM"  # gio 3 dic
LONG_DAY_PATTERN = "EEEE d MMMM"  # giovedì 3 dicembre
YEAR_DAY_PATTERN = "EEEE d MMMM y"  # giovedì 3 dicembre 2026
DATE_PATTERN = "d MMM y"  # 3 dic 2026
TIME_PATTERN = "HH:mm"  # 08:00
