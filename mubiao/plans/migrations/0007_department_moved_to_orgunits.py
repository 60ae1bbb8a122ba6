# Department now lives in the org units app (orgunits migration 0003), keeping its table
# plans_department. Here the plans app lets go of it in Django's state only: the indicators' lead
# departments (table plans_indicator_lead_departments) point at the same table as before.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        # Every reference to plans.Department moves before the model leaves the plans state.
        ("accounts", "0002_role_department_in_orgunits"),
        ("orgunits", "0003_department"),
        ("plans", "0006_provenance_without_file_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="indicator",
                    name="lead_departments",
                    field=models.ManyToManyField(
                        blank=True, related_name="led_indicators", to="orgunits.department", verbose_name="牵头部门"
                    ),
                ),
                migrations.DeleteModel(name="Department"),
            ],
            database_operations=[],
        ),
    ]
