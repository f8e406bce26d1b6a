"""The absence register leaves the swaps app for the discipline register (zhiban.discipline).

Its table is renamed here, keeping every row; `discipline/0001` takes it over in the migration state. The rename
runs in this app because only here does the state still know the model by its old name.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("swaps", "0002_swap_requests_and_debts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="absence", table="discipline_disciplinerecord")],
            state_operations=[migrations.DeleteModel(name="absence")],
        ),
    ]
