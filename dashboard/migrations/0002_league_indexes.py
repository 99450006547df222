"""Indexes the dashboard's league and today's activity read, on tables of the arrears and assignments apps.

Created with plain SQL (valid on PostgreSQL and SQLite) because those apps own the models; the names start with
``dashboard_`` so it is clear where they come from:

- assignments_assignment (day, staff_id, household_id): the households dealt to each person in a date range, read
  from the index alone;
- assignments_assignment (household_id, day): payments matched to the day their household was assigned;
- assignments_contact (created_at): today's contacts and the last 7 days', whoever made them;
- arrears_payment (created_at): the payments recorded today;
- arrears_payment (community_id, paid_on): verified payments of a community in a date range.
"""

from django.db import migrations

INDEXES = {
    "dashboard_assignment_day_idx": "assignments_assignment (day, staff_id, household_id)",
    "dashboard_assignment_household_day_idx": "assignments_assignment (household_id, day)",
    "dashboard_contact_created_idx": "assignments_contact (created_at)",
    "dashboard_payment_created_idx": "arrears_payment (created_at)",
    "dashboard_payment_paid_on_idx": "arrears_payment (community_id, paid_on)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("arrears", "0002_waivers_and_letter_contacts"),
        ("assignments", "0003_campaigns_contacts"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
