from django.core.management.base import BaseCommand, CommandError

from arrears.command_options import date_option
from arrears.models import Community
from dashboard.services import snapshots_refresh


class Command(BaseCommand):
    help = "刷新收费看板快照:每个小区截至某日(默认今天)的收费率、累计实收、账龄、楼栋欠费和员工排行。"

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="截至日期 YYYY-MM-DD(默认今天,Asia/Shanghai)")
        parser.add_argument("--community", action="append", help="小区编码(可重复;默认全部小区)")

    def handle(self, *args, day: str | None = None, community: list[str] | None = None, **options):
        as_of = date_option(day, "--date")
        if community:
            unknown = set(community) - set(Community.objects.filter(code__in=community).values_list("code", flat=True))
            if unknown:
                raise CommandError(f"未知的小区编码:{'、'.join(sorted(unknown))}")
        for snapshot in snapshots_refresh(as_of=as_of, community_codes=community):
            self.stdout.write(f"{snapshot.community.code} 截至 {snapshot.as_of}:用时 {snapshot.seconds:.2f} 秒")
