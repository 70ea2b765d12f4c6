import datetime

from django.db import migrations, models

from insights import summaries


def backfill(apps, schema_editor):
    """Every row written again, with the week its ticket was opened or its visit ended."""
    summaries.rebuild(
        visit_model=apps.get_model("tickets", "Visit"),
        summary_model=apps.get_model("insights", "VisitSummary"),
    )
    summaries.rebuild_tickets(
        ticket_model=apps.get_model("tickets", "Ticket"),
        visit_model=apps.get_model("tickets", "Visit"),
        summary_model=apps.get_model("insights", "TicketSummary"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0004_ticket_summaries"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticketsummary",
            name="opened_week",
            field=models.DateField(default=datetime.date(2000, 1, 3), verbose_name="week opened"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="visitsummary",
            name="ended_week",
            field=models.DateField(null=True, verbose_name="week finished"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
