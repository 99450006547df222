from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.report import summary_lines
from imports.workbook_import import ledger_import


class Command(BaseCommand):
    help = "导入财务台账 Excel(小区、房屋、应收、实收):全部校验通过才写入,--dry-run 只校验不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件 .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计,不写入任何数据")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("文件不存在:%(path)s") % {"path": file})
        result = ledger_import(path=path, dry_run=dry_run)
        self.stdout.write("\n".join(summary_lines(result)))
        if not result.ok:
            raise CommandError(_("导入失败:共 %(count)d 处错误,未写入任何数据") % {"count": result.error_count})
