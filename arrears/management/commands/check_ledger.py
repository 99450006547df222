from django.core.management.base import BaseCommand, CommandError

from arrears.checks import ledger_problems


class Command(BaseCommand):
    help = "核对台账:核销不超过收款与应收、冲正已全部冲回、收据号连续"

    def handle(self, *args, **options):
        problems = ledger_problems()
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(f"台账核对发现 {len(problems)} 个问题")
        self.stdout.write("台账核对通过")
