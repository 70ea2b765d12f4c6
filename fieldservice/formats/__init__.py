"""Our format module (settings.FORMAT_MODULE_PATH): each language's Django formats where
Django's own are wrong for our people, and the CLDR patterns of the short day and time that
fieldservice.localformat writes with babel (Django's month and weekday abbreviations are
capitalised in Italian and Bulgarian, "Gio 3 Dic", where people write "gio 3 dic")."""
