"""An installation visit's commissioning record: the serial put in and the checklist ticked."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0014_insights_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Commissioning',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('serial_number', models.CharField(blank=True, max_length=100, verbose_name='serial number')),
                ('checked', models.JSONField(blank=True, default=list, verbose_name='items checked')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('visit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='commissioning', to='tickets.visit', verbose_name='visit')),
            ],
            options={
                'verbose_name': 'commissioning record',
                'verbose_name_plural': 'commissioning records',
            },
        ),
    ]
