"""Every figure says who owns it (reported by a unit, or imported from a table), and no status is implied.

Existing figures: one that still carries an import's provenance (a source file) came from that
import and was never touched by the workflow (entering a figure clears its provenance); every
other one was entered by hand or through reporting, and is owned by its unit.
"""

from django.db import migrations, models


def origin_from_provenance(apps, schema_editor):
    ActualValue = apps.get_model("reporting", "ActualValue")
    ActualValue.objects.filter(source_file__isnull=False).update(origin="imported")
    ActualValue.objects.filter(source_file__isnull=True).update(origin="reported")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_provenance_without_file_index")]

    operations = [
        migrations.AddField(
            model_name="actualvalue",
            name="origin",
            field=models.CharField(
                choices=[("reported", "填报"), ("imported", "导入")], default="reported", max_length=10, verbose_name="来源"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(origin_from_provenance, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="actualvalue",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("submitted", "待审核"), ("returned", "已退回"), ("approved", "已通过")],
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddConstraint(
            model_name="actualvalue",
            constraint=models.CheckConstraint(
                condition=models.Q(origin__in=["reported", "imported"]), name="actual_origin_known"
            ),
        ),
    ]
