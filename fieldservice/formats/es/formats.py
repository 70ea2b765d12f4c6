# CLDR patterns (babel) for fieldservice.localformat.
DAY_PATTERN = "EEE d MMM"  # jue 3 dic
LONG_DAY_PATTERN = "EEEE d 'de' MMMM"  # jueves 3 de diciembre
YEAR_DAY_PATTERN = "EEEE d 'de' MMMM 'de' y"  # jueves 3 de diciembre de 2026
DATE_PATTERN = "d MMM y"  # 3 dic 2026
TIME_PATTERN = "HH:mm"  # 08:00
