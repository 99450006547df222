from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from arrears.importer.columns import CHANNEL_LABELS
from arrears.models import Community
from imports.models import SourceSettings
from imports.report import summary_lines
from imports.sources.convert import conversion_import
from imports.sources.freeform import freeform_convert, freeform_layout
from imports.sources.hc import hc_convert
from imports.sources.report import skipped_summary
from imports.sources.sheet import SourceError


class Command(BaseCommand):
    help = (
        "导入其他系统的台账:HC小区管理系统导出(hc)或自制欠费明细表(freeform,按该小区保存的列对应或表头识别);"
        "全部校验通过才写入,--dry-run 只校验不写入"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="文件 .xlsx 或 .xls")
        parser.add_argument("--source", choices=["hc", "freeform"], required=True, help="来源")
        parser.add_argument("--community", required=True, help="小区编码")
        parser.add_argument("--channel", default="现金", choices=list(CHANNEL_LABELS), help="收款方式,默认现金")
        parser.add_argument("--fee-item", default="物业费", help="自制表没有费用项目列时的费用项目,默认物业费")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计,不写入任何数据")

    def handle(self, *args, file: str, source: str, community: str, channel: str, fee_item: str, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("文件不存在:%(path)s") % {"path": file})
        found = Community.objects.filter(code=community).first()
        if found is None:
            raise CommandError(_("没有编码为 %(code)s 的小区") % {"code": community})
        if source == "hc":
            conversion = hc_convert(path=path, community=found, channel=channel)
        else:
            try:
                layout = freeform_layout(path)
            except SourceError as exc:
                raise CommandError(str(exc)) from exc
            saved = SourceSettings.objects.filter(community=found).values_list("column_mapping", flat=True).first()
            mapping = layout.initial(saved or {})
            for column in layout.columns:
                self.stdout.write(f"{column.label}\t{mapping[column.index] or '-'}")
            conversion = freeform_convert(
                path=path, community=found, mapping=mapping, fee_item=fee_item, channel=channel
            )
        for line in skipped_summary(conversion.skipped):
            self.stdout.write(_("跳过 %(sheet)s 第 %(rows)s 行:%(reason)s") % vars(line))
        for note in conversion.notes:
            self.stdout.write(note)
        result = conversion_import(conversion=conversion, dry_run=dry_run, user=None)
        self.stdout.write("\n".join(summary_lines(result)))
        if not result.ok:
            raise CommandError(_("导入失败:共 %(count)d 处错误,未写入任何数据") % {"count": result.error_count})
