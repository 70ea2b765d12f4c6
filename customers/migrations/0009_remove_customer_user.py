from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_contacts"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="customer",
            name="user",
        ),
    ]
