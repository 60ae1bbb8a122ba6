# A reviewer's department is now orgunits.Department: the same table (plans_department), so only
# Django's state changes; the column and its foreign key stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("orgunits", "0003_department"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="role",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="roles",
                        to="orgunits.department",
                        verbose_name="部门",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
