"""Employee numbers are unique within an organisation, not across all of them: Person gains its organisation."""

import django.db.models.deletion
from django.db import migrations, models


def fill_organisation(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    for person in Person.objects.select_related("unit").iterator():
        person.organisation_id = int(person.unit.path.split(".", 1)[0])
        person.save(update_fields=["organisation"])


class Migration(migrations.Migration):
    dependencies = [("org", "0002_remove_unit_policy_pack")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
            ),
        ),
        migrations.RunPython(fill_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="organisation",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit"
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="employee_number",
            field=models.CharField(max_length=32, verbose_name="employee number"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(
                fields=("organisation", "employee_number"), name="person_employee_number_unique_in_organisation"
            ),
        ),
    ]
