"""Set up the inbound mailbox from INBOUND_MAIL_URL and fetch its new messages once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from desk import inbound


class Command(BaseCommand):
    help = "Create or update the inbound mailbox from INBOUND_MAIL_URL and fetch new messages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--setup-only", action="store_true", help="Configure the mailbox, fetch nothing."
        )

    def handle(self, *args, setup_only: bool = False, **options):
        mailbox = inbound.configured_mailbox()
        if mailbox is None:
            self.stdout.write("INBOUND_MAIL_URL is not set: no mailbox.")
            return
        if setup_only:
            self.stdout.write(f"Mailbox {mailbox.name}: {mailbox.type}")
            return
        counts = inbound.fetch_mail(mailbox=mailbox)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none")
