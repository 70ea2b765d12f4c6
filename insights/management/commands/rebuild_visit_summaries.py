"""Write the summary (insights.VisitSummary) of every visit made again from the visits: for a
database changed around the services (an import, a hand-made fix). Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from insights.services import rebuild_visit_summaries


class Command(BaseCommand):
    help = "Write the summaries of the visits made, for the insights figures, again."

    def handle(self, *args, **options):
        written = rebuild_visit_summaries()
        self.stdout.write(f"visit summaries: {written}")
