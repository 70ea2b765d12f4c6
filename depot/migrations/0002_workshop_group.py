from django.db import migrations

# The name of fieldservice.roles.WORKSHOP_GROUP, as it was when this ran.
WORKSHOP_GROUP = "Workshop"


def create_workshop_group(apps, schema_editor):
    """The bench technicians' group, for the office manager to fill in the back office."""
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=WORKSHOP_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("depot", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_workshop_group, migrations.RunPython.noop),
    ]
