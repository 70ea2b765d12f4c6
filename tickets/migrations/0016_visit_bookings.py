"""One booking per crew member of a visit (its lead and its helpers), and on PostgreSQL the
exclusion constraint that keeps any technician, lead or helper, out of two overlapping active
bookings. The leads of the visits already on someone's day get their booking here, so the
guarantee holds from the first row on."""

import django.db.models.deletion
from django.db import migrations, models

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE tickets_visitbooking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    technician_id WITH =,
    tstzrange(planned_start, planned_end, '[)') WITH &&
) WHERE (active);
"""
DROP = "ALTER TABLE tickets_visitbooking DROP CONSTRAINT IF EXISTS booking_no_overlap;"
BUSY = ("scheduled", "en_route", "on_site")


def leads(apps, schema_editor):
    Visit = apps.get_model("tickets", "Visit")
    VisitBooking = apps.get_model("tickets", "VisitBooking")
    rows = (
        VisitBooking(
            visit_id=visit.pk,
            technician_id=visit.technician_id,
            role="lead",
            planned_start=visit.planned_start,
            planned_end=visit.planned_end,
            active=visit.status in BUSY and visit.planned_start is not None,
        )
        for visit in Visit.objects.filter(technician__isnull=False).iterator()
    )
    VisitBooking.objects.bulk_create(rows, batch_size=1000)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('technicians', '0002_training_records'),
        ('tickets', '0015_commissioning'),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitBooking',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('lead', 'Lead'), ('helper', 'Helper')], default='helper', max_length=10, verbose_name='role')),
                ('planned_start', models.DateTimeField(blank=True, null=True, verbose_name='planned start')),
                ('planned_end', models.DateTimeField(blank=True, null=True, verbose_name='planned end')),
                ('active', models.BooleanField(default=False, verbose_name='holds the time')),
                ('technician', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='technicians.technician', verbose_name='technician')),
                ('visit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookings', to='tickets.visit', verbose_name='visit')),
            ],
            options={
                'verbose_name': 'crew booking',
                'verbose_name_plural': 'crew bookings',
                'ordering': ['visit', 'role', 'pk'],
                'indexes': [models.Index(fields=['technician', 'planned_start'], name='tickets_vis_technic_031812_idx')],
                'constraints': [models.UniqueConstraint(fields=('visit', 'technician'), name='booking_once_per_visit'), models.UniqueConstraint(condition=models.Q(('role', 'lead')), fields=('visit',), name='booking_one_lead'), models.CheckConstraint(condition=models.Q(('active', False), models.Q(('planned_end__gt', models.F('planned_start')), ('planned_start__isnull', False)), _connector='OR'), name='booking_active_has_range')],
            },
        ),
        migrations.RunPython(leads, migrations.RunPython.noop),
        migrations.RunPython(forwards, backwards),
    ]
