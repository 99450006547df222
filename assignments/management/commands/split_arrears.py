import json
from collections import defaultdict
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from arrears.command_options import date_option
from arrears.models.households import household_label
from assignments.models import Assignment
from assignments.services.split import campaigns_on, split_for_day


class Command(BaseCommand):
    help = "每日分包:把在催欠费房屋分给当天可参与的全体员工(同一天重复运行不会改变结果)"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="日期 YYYY-MM-DD,默认今天")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, date: str | None, json: bool, **options):
        day = _parse_day(date)
        campaigns = list(campaigns_on(day))
        if not campaigns:
            raise CommandError(f"{day} 没有进行中的集中催费行动,请先在“催费行动”里创建")
        runs = [split_for_day(campaign=campaign, day=day) for campaign in campaigns]
        report = split_report(day, runs)
        if json:
            self.stdout.write(_dumps(report))
            return
        for run in runs:
            s = run.stats
            self.stdout.write(
                f"{run.campaign} {day}: {s['households']} 户分给 {s['staff']} 人,每人 {s['min']}–{s['max']} 户;"
                f"欠费离散系数 {s['arrears_cv']};人均楼栋 {s['buildings_per_person_mean']};"
                f"较上次变动 {s['moved']} 户,新增 {s['new']} 户,移出 {s['dropped']} 户"
            )


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def _parse_day(text: str | None) -> date:
    return date_option(text, "--date") or timezone.localdate()


def split_report(day: date, runs) -> dict:
    """The command's JSON: each collector's households in the day's order, and the split's figures."""
    lists: dict[str, list[str]] = defaultdict(list)
    rows = (
        Assignment.objects.filter(campaign__in=[r.campaign for r in runs], day=day)
        .order_by("staff__user__username", "position")
        .values_list(
            "staff__user__username",
            "household__community__code",
            "household__building__name",
            "household__unit",
            "household__room",
        )
    )
    for login, code, building, unit, room in rows:
        lists[login].append(f"{code}:{household_label(building, unit, room)}")
    keys = ("households", "staff", "min", "max", "moved", "new", "dropped")
    if len(runs) == 1:
        stats = {k: runs[0].stats[k] for k in keys}
        extra = {k: v for k, v in runs[0].stats.items() if k not in keys}
    else:
        stats = {k: sum(r.stats[k] for r in runs) for k in keys}
        stats["min"] = min(r.stats["min"] for r in runs)
        stats["max"] = max(r.stats["max"] for r in runs)
        extra = {}
    return {
        "date": day.isoformat(),
        "assignments": [{"staff": login, "households": households} for login, households in sorted(lists.items())],
        "stats": {**stats, **extra},
    }
