"""ServiceContract moves from customers/ to contracts/ (DESIGN.md's app table): the table stays
where it is (customers_servicecontract), only Django's picture of which app owns it changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    # After the role groups are made (fieldservice 0001): they hold customers.servicecontract's
    # permissions, which 0002 carries over to this app.
    dependencies = [("customers", "0004_site_placement"), ("fieldservice", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ServiceContract",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("number", models.CharField(max_length=30, unique=True, verbose_name="number")),
                        ("starts_on", models.DateField(verbose_name="starts on")),
                        ("ends_on", models.DateField(verbose_name="ends on")),
                        (
                            "response_hours",
                            models.PositiveSmallIntegerField(
                                default=8, verbose_name="response time (business hours)"
                            ),
                        ),
                        (
                            "preventive_visits_per_year",
                            models.PositiveSmallIntegerField(
                                default=1, verbose_name="preventive visits per year"
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="contracts",
                                to="customers.customer",
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "service contract",
                        "verbose_name_plural": "service contracts",
                        "db_table": "customers_servicecontract",
                        "ordering": ["-ends_on", "pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_on__gte", models.F("starts_on"))),
                                name="contract_ends_after_start",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
