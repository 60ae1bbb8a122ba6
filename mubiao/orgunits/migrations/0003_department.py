# Department moves from the plans app to org units, without moving any data: the model keeps its
# table (plans_department), so this migration only tells Django's state where the model now lives,
# and moves its content type so that its permissions and admin history follow it.

from django.db import migrations, models


def content_type_to_orgunits(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="orgunits", model="department").exists():
        return
    ContentType.objects.using(db).filter(app_label="plans", model="department").update(app_label="orgunits")


def content_type_to_plans(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="plans", model="department").exists():
        return
    ContentType.objects.using(db).filter(app_label="orgunits", model="department").update(app_label="plans")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("orgunits", "0002_ordering_roots_first"),
        # The table itself was created by the plans app and is still there.
        ("plans", "0006_provenance_without_file_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Department",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="名称")),
                    ],
                    options={
                        "verbose_name": "部门",
                        "verbose_name_plural": "部门",
                        "db_table": "plans_department",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_orgunits, content_type_to_plans),
    ]
