"""The two admin roles, as groups of Django model permissions.

* Content managers: add/change/delete/view workouts, their videos, categories and trainers
  (the admin API's content endpoints and the Django admin for content). No billing, no users.
* Support: view users and entitlements (the admin API's user list).

Give a person a role by making them staff and adding them to the group.
"""

from django.db import migrations

CONTENT_MANAGERS = "Content managers"
SUPPORT = "Support"

ROLES = {
    CONTENT_MANAGERS: [
        ("workouts", model, action)
        for model in ("workout", "workoutvideo", "category", "trainer")
        for action in ("add", "change", "delete", "view")
    ],
    SUPPORT: [("accounts", "user", "view"), ("billing", "entitlement", "view")],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate (post_migrate); make them now so the groups
    # can hold them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_label in ("accounts", "workouts", "billing"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            for app_label, model, action in perms
        ]
        group.permissions.set(wanted)


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adminapi", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0001_initial"),
        ("billing", "0001_initial"),
        ("workouts", "0002_category_nesting_trigger"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
