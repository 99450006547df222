import orjson
from django.core.management.base import BaseCommand

from arrears.command_options import community_option, date_option
from arrears.reports import arrears_report


class Command(BaseCommand):
    help = "欠费报表:每户欠费本金、违约金、最早欠费日期,以及收缴率(--json 输出稳定的机器接口)"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="截至日期 YYYY-MM-DD")
        parser.add_argument("--community", help="小区编码(只有一个小区时可省略)")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, as_of, community, json: bool, **options):
        as_of_date = date_option(as_of, "--as-of")
        community_obj = community_option(community)
        report = arrears_report(community_obj, as_of_date)
        if json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write(_table(report))


def _dumps(report: dict) -> str:
    """The report as ``json.dumps(report, ensure_ascii=False, indent=2)`` writes it, at C speed: the standard
    library encodes an indented document in pure Python (seconds for a community of 100,000 households)."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()


def _table(report: dict) -> str:
    lines = [f"小区 {report['community']}  截至 {report['as_of']}", ""]
    header = f"{'房屋':<14}{'欠费本金':>14}{'违约金':>12}{'合计':>14}  最早应缴"
    lines.append(header)
    for h in report["households"]:
        lines.append(f"{h['household']:<14}{h['principal']:>14}{h['late_fee']:>12}{h['total']:>14}  {h['oldest_due']}")
    t = report["totals"]
    lines.append("")
    lines.append(
        f"合计 {t['households_in_arrears']} 户  本金 {t['principal']}  违约金 {t['late_fee']}  合计 {t['total']}"
    )
    r = report["rates"]
    labels = [
        ("当期应收", "current_due"),
        ("当期实收", "current_collected"),
        ("收费率", "collection_rate"),
        ("历史欠费", "arrears_at_year_start"),
        ("清欠额", "arrears_recovered"),
        ("清欠率", "recovery_rate"),
        ("综合收缴率", "overall_rate"),
        ("户收费率", "household_rate"),
    ]
    lines.append(f"{r['year']} 年:")
    lines.extend(f"  {label}: {r[key] if r[key] is not None else '—'}" for label, key in labels)
    return "\n".join(lines)
