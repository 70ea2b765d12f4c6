"""Write the summary (insights.VisitSummary) of every visit made again from the visits, and the
summary (insights.TicketSummary) of every ticket from the tickets: for a database changed
around the services (an import, a hand-made fix). Safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from insights.services import rebuild_ticket_summaries, rebuild_visit_summaries


class Command(BaseCommand):
    help = "Write the summaries of the visits made and of the tickets, for the figures, again."

    def handle(self, *args, **options):
        written = rebuild_visit_summaries()
        self.stdout.write(f"visit summaries: {written}")
        written = rebuild_ticket_summaries()
        self.stdout.write(f"ticket summaries: {written}")
