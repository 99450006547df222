import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from arrears.command_options import date_option
from demo.seed import DEFAULT_HOUSEHOLDS, DEFAULT_SEED, demo_seed
from demo.staff import SEED_STAFF


class Command(BaseCommand):
    help = (
        "生成演示数据:一个小区(翠湖园)的房屋、业主、24 个月物业费应收与实收,以及 58 名员工的登录账号。"
        "同一 --seed 与 --today 生成的数据完全相同;数据库中已有房屋时不做任何更改。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS, help="房屋数(默认 2000)")
        parser.add_argument("--delinquent", type=int, help="截至今天欠费的户数(默认为房屋数的 30%%)")
        parser.add_argument("--staff", type=int, default=SEED_STAFF, help="员工人数(默认 58,按各部门比例)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子(默认 1)")
        parser.add_argument("--today", help="以哪一天为今天 YYYY-MM-DD(默认今天,Asia/Shanghai)")
        parser.add_argument("--campaign", action="store_true", help="同时创建一个进行中的集中催费行动,并生成今天的分包")

    def handle(self, *args, households, delinquent, staff, seed, today, campaign, **options):
        today_date = date_option(today, "--today")
        if households < 1:
            raise CommandError("--households 至少为 1")
        if delinquent is not None and not 0 <= delinquent <= households:
            raise CommandError("--delinquent 应在 0 与 --households 之间")
        if staff < 7:
            raise CommandError("--staff 至少为 7(每个部门一人)")
        started = time.monotonic()
        verbosity = options["verbosity"]

        def progress(done: int) -> None:
            if verbosity >= 2:
                self.stderr.write(f"  已写入 {done} 户({time.monotonic() - started:.0f} 秒)")

        summary = demo_seed(
            households=households,
            delinquent=delinquent,
            staff=staff,
            seed=seed,
            today=today_date,
            progress=progress,
        )
        if summary is None:
            self.stdout.write("数据库中已有数据,未做任何更改")
            return
        self.stdout.write(_logins(summary))
        self.stdout.write("")
        self.stdout.write(
            f"小区 {summary.community}  今天 {summary.today}  房屋 {summary.households} 户  "
            f"欠费 {summary.delinquent} 户  应收 {summary.charges} 笔  实收 {summary.payments} 笔  "
            f"核销 {summary.allocations} 笔  员工 {summary.staff} 人  "
            f"用时 {time.monotonic() - started:.1f} 秒"
        )
        if campaign:
            self.stdout.write(_start_campaign(summary.today))


def _start_campaign(today: date) -> str:
    """A running campaign over every community, and today's split, so collectors have a list at once."""
    from arrears.models import Community
    from assignments.services import split_for_day
    from assignments.services.campaigns import campaign_create

    drive = campaign_create(
        name="年底集中催费行动",
        communities=list(Community.objects.all()),
        start_date=today - timedelta(days=7),
        end_date=today + timedelta(days=60),
    )
    stats = split_for_day(campaign=drive, day=today).stats
    return (
        f"集中催费行动「{drive.name}」{drive.start_date}–{drive.end_date}:今天 {stats['households']} 户分给 "
        f"{stats['staff']} 人,每人 {stats['min']}–{stats['max']} 户"
    )


def _logins(summary) -> str:
    rows = [("角色", "登录名", "密码", "部门")]
    rows += [(login.role, login.username, summary.password, login.department) for login in summary.logins]
    rows.append(("员工", f"s001 … s{summary.numbered_logins:03d}", summary.password, "各部门"))
    return "\n".join(f"{role:<6}{username:<16}{password:<12}{dept}" for role, username, password, dept in rows)
