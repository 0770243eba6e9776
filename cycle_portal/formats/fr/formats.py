# French typography of the cycle: « 15 avril 2025 », « 14 h 30 » (non-breaking spaces).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "G\u00a0\\h\u00a0i"
DATETIME_FORMAT = "j F Y, G\u00a0\\h\u00a0i"
SHORT_DATE_FORMAT = "d/m/Y"
