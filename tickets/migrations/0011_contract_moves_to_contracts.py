"""The ticket's contract is now contracts.ServiceContract: same table, so nothing changes in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_move_service_contract"),
        ("tickets", "0010_all_the_desks_kinds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="contract",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="contracts.servicecontract",
                        verbose_name="contract",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
