"""The three role groups and their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DISPATCHER = {
    "customers": ["customer", "site", "appliance", "appliancemodel", "servicecontract"],
    "technicians": ["skill", "technician", "workinghours", "timeoff", "certification"],
    "tickets": ["ticket", "ticketevent", "visit", "errorcode", "part", "businesscalendar",
                "holiday"],
}
TECHNICIAN = {"tickets": [("view", "ticket"), ("view", "visit"), ("change", "visit"),
                          ("view", "errorcode"), ("view", "part")],
              "customers": [("view", "customer"), ("view", "site"), ("view", "appliance")]}
CUSTOMER = {"tickets": [("view", "ticket"), ("add", "ticket"), ("view", "visit")],
            "customers": [("view", "customer"), ("view", "site"), ("add", "appliance"),
                          ("view", "appliance"), ("change", "appliance")]}


def forwards(apps, schema_editor):
    # Permissions are normally created after migrate; make them now so groups can hold them.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(spec):
        for app_label, entries in spec.items():
            for entry in entries:
                actions, model = (
                    (["add", "change", "delete", "view"], entry)
                    if isinstance(entry, str)
                    else ([entry[0]], entry[1])
                )
                for action in actions:
                    yield Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )

    for name, spec in (("dispatcher", DISPATCHER), ("technician", TECHNICIAN),
                       ("customer", CUSTOMER)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(list(perms(spec)))


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["dispatcher", "technician", "customer"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("technicians", "0001_initial"),
        ("tickets", "0002_visit_no_overlap"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
