"""Ticket.search_text, what the desk's ticket list searches, filled in for existing tickets.

On PostgreSQL, also its words: a stored generated column `search_vector` (to_tsvector('simple',
search_text), always current, so one function still writes the search) with a GIN index. Not a
field of the model: Django never writes it, and tickets.selectors.search_tickets reads it. A
stored vector, not an index on the expression, because a plan that walks the SLA due index
for the first page must then test each row's words, and recomputing to_tsvector there cost 150
ms a page on 100,000 tickets (bench/desk_search.py). SQLite has neither; its search is a plain
match on the text."""

from django.db import migrations, models

BATCH = 2000
ADD_VECTOR = """
ALTER TABLE tickets_ticket ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED;
CREATE INDEX ticket_search_gin ON tickets_ticket USING gin (search_vector);
"""
DROP_VECTOR = "ALTER TABLE tickets_ticket DROP COLUMN search_vector;"


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


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_VECTOR)


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_VECTOR)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0005_response_and_resolution_clocks"),
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
        migrations.RunPython(add_vector, drop_vector),
    ]
