"""Three indexes fewer to keep up on each day's hundred thousand assignments: the one on household alone and the one
on (staff, day, position), whose lookups the dashboard's (household_id, day) and (day, staff_id, household_id)
serve (dashboard migration 0002; every query by household or staff names the day), and the full one on
former_staff, replaced by one over the few rows that have a former collector (read when a staff member is deleted).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0008_day_reopen'),
        ('assignments', '0006_assignment_references_kept_by_django'),
        ('dashboard', '0002_league_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_staff_day_idx',
        ),
        migrations.AlterField(
            model_name='assignment',
            name='former_staff',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, help_text='此前负责该户、后来不再负责的员工(休假回来时优先交还)', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='assignments.staff'),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='household',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='arrears.household'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('former_staff__isnull', False)), fields=['former_staff'], name='assignment_former_idx'),
        ),
    ]
