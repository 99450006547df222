# The day lock's model now lives in arrears (arrears 0003 took over its table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0001_initial"),
        ("arrears", "0003_day_close_beside_the_ledger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DayClose")],
            database_operations=[],
        ),
    ]
