"""On PostgreSQL, make double booking impossible: no two busy visits of one technician may have
overlapping planned ranges (half-open, so back-to-back visits are fine). SQLite has no exclusion
constraints; there IMMEDIATE transactions serialise the service's check-then-write instead."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE tickets_visit ADD CONSTRAINT visit_no_overlap EXCLUDE USING gist (
    technician_id WITH =,
    tstzrange(planned_start, planned_end, '[)') WITH &&
) WHERE (status IN ('scheduled', 'en_route', 'on_site') AND technician_id IS NOT NULL);
"""
DROP = "ALTER TABLE tickets_visit DROP CONSTRAINT IF EXISTS visit_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
