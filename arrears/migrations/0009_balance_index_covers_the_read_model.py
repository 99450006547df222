# The index of a household's charges by due date carries the columns the read model takes from the balance row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0008_day_reopen'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='chargebalance',
            name='balance_household_due_idx',
        ),
        migrations.AddIndex(
            model_name='chargebalance',
            index=models.Index(fields=['household', 'due_date'], include=('charge', 'amount_fen', 'paid_fen', 'paid_fen_days', 'first_paid_on', 'last_paid_on', 'irregular'), name='balance_household_due_cov'),
        ),
    ]
