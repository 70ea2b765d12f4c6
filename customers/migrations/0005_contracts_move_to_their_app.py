"""The contract an appliance was under is now one of the appliances its contract lists
(contracts 0002 copied it); ServiceContract itself belongs to contracts/ from here on, in the
same table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_site_placement"),
        ("contracts", "0002_entitlements_hour_bank_preventive_plans"),
        ("tickets", "0011_contract_moves_to_contracts"),
    ]

    operations = [
        migrations.RemoveField(model_name="appliance", name="contract"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ServiceContract")],
            database_operations=[],
        ),
    ]
