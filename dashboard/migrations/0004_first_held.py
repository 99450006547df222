# Each collector's first day holding a household in a year, kept by triggers (dashboard.held_triggers), filled
# from the assignments already there.

from django.db import migrations, models

from dashboard.held_triggers import install, uninstall


class Migration(migrations.Migration):

    dependencies = [
        ('assignments', '0007_assignment_fewer_indexes'),
        ('dashboard', '0003_snapshot_refresh_requests'),
    ]

    operations = [
        migrations.CreateModel(
            name='FirstHeld',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('household_id', models.BigIntegerField(verbose_name='房屋')),
                ('staff_id', models.BigIntegerField(verbose_name='员工')),
                ('first_day', models.DateField(verbose_name='首次负责日期')),
            ],
            options={
                'verbose_name': '年度首次负责',
                'verbose_name_plural': '年度首次负责',
                'constraints': [models.UniqueConstraint(fields=('year', 'household_id', 'staff_id'), name='dashboard_first_held_unique')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
