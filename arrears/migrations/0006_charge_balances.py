# Paid to date per charge, kept by triggers (arrears.balance_triggers), filled from the allocations already there.

import django.db.models.deletion
from django.db import migrations, models

from arrears.balance_triggers import install, uninstall


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0005_letter_payment_url_and_receipt_slip'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChargeBalance',
            fields=[
                ('charge', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='balance', serialize=False, to='arrears.charge')),
                ('due_date', models.DateField(verbose_name='应缴日期')),
                ('amount_fen', models.BigIntegerField(verbose_name='应收(分)')),
                ('paid_fen', models.BigIntegerField(default=0, verbose_name='已核销(分)')),
                ('paid_fen_days', models.BigIntegerField(default=0)),
                ('first_paid_on', models.DateField(null=True)),
                ('last_paid_on', models.DateField(null=True)),
                ('irregular', models.BooleanField(default=False)),
                ('household', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='arrears.household')),
            ],
            options={
                'verbose_name': '应收核销汇总',
                'verbose_name_plural': '应收核销汇总',
                'indexes': [models.Index(fields=['household', 'due_date'], name='balance_household_due_idx')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
