"""`check_translations`: the catalogs against the code and msgfmt, as `make test` runs it.

Prints per language how many of the code's messages are translated, then every problem with its
catalog and msgid, and exits 1 if there is any. The rules are in `fieldservice.catalogs`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fieldservice import catalogs


class Command(BaseCommand):
    help = "Check the translation catalogs: complete, current, placeholders kept, compiling."
    requires_system_checks: list = []  # noqa: RUF012 - Django reads it, never changes it

    def add_arguments(self, parser):
        parser.add_argument(
            "--locale-dir",
            default=str(settings.LOCALE_PATHS[0]),
            help="the committed catalogs (default: the first of LOCALE_PATHS)",
        )
        parser.add_argument(
            "--root", default=str(settings.BASE_DIR), help="the sources makemessages reads"
        )

    def handle(self, *args, locale_dir: str, root: str, **options):
        # English is the language the messages are written in; every other one needs a catalog.
        languages = [code for code, _name in settings.LANGUAGES if code != catalogs.SOURCE]
        with tempfile.TemporaryDirectory(prefix="check-translations-") as work:
            report = catalogs.check(
                root=Path(root), locale=Path(locale_dir), languages=languages, work=Path(work)
            )
        for language in languages:
            done, total = report.translated[language], report.total[language]
            self.stdout.write(f"{language}: {done} of {total} translated")
        for problem in report.problems:
            self.stdout.write(str(problem))
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems in the translation catalogs.")
        self.stdout.write(self.style.SUCCESS("The translation catalogs are complete and compile."))
