# The day lock (日结) moves from finance to the ledger: the model's state moves here, the table is renamed.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("arrears", "0002_waivers_and_letter_contacts"),
        ("finance", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DayClose",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(verbose_name="日期")),
                        ("closed_at", models.DateTimeField(auto_now_add=True, verbose_name="日结时间")),
                        ("totals", models.JSONField(default=dict, verbose_name="日结汇总")),
                        (
                            "closed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="日结人",
                            ),
                        ),
                        (
                            "community",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="day_closes",
                                to="arrears.community",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "日结",
                        "verbose_name_plural": "日结",
                        "ordering": ["-day", "community"],
                        "constraints": [models.UniqueConstraint(fields=("community", "day"), name="day_close_unique")],
                        "db_table": "finance_dayclose",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="dayclose", table=None),
    ]
