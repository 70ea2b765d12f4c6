"""Ticket.search_text, what the desk's ticket list searches, filled in for existing tickets, and
on PostgreSQL a GIN index on its words (to_tsvector('simple', ...)), built by Django from the
same SearchVector expression the list's query uses, so the planner matches the two. SQLite has
no GIN index; its search is a plain match on the text."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

INDEX = "ticket_search_gin"
BATCH = 2000


def _index():
    return GinIndex(SearchVector("search_text", config="simple"), name=INDEX)


def fill_search_text(apps, schema_editor):
    # The same document as tickets.services.search.search_document, written out here so that
    # this migration keeps doing what it did when that module changes.
    Ticket = apps.get_model("tickets", "Ticket")
    tickets = Ticket.objects.select_related("customer").prefetch_related("error_codes")
    batch = []
    for ticket in tickets.order_by("pk").iterator(chunk_size=BATCH):
        matched = [f"{c.code} {c.title}" for c in ticket.error_codes.all()]
        codes = " ".join([*ticket.reported_codes, *matched])
        number = f"T-{ticket.pk:06d} {ticket.pk:06d} {ticket.pk}"
        parts = [number, ticket.customer.name, codes, ticket.description]
        ticket.search_text = "\n".join(p for p in parts if p)
        batch.append(ticket)
        if len(batch) >= BATCH:
            Ticket.objects.bulk_update(batch, ["search_text"])
            batch = []
    Ticket.objects.bulk_update(batch, ["search_text"])


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("tickets", "Ticket"), _index())


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_ticket_opened_at_the_slas_moment"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_index, remove_index),
    ]
