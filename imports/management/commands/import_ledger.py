from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from imports.report import summary_lines
from imports.workbook_import import ledger_import


class Command(BaseCommand):
    help = (
        "导入财务台账(小区、房屋、应收、实收、员工):一个 .xlsx,每张表一个 .csv(文件名即表名),或这些 .csv 的 .zip;"
        "全部校验通过才写入,--dry-run 只校验不写入"
    )
    # Django's system checks (half a second here) are the web server's and the worker's to run at start-up; a
    # data command does not repeat them before every import.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="file", help="台账文件 .xlsx / .zip,或一个或多个 .csv")
        parser.add_argument("--dry-run", action="store_true", help="只校验并统计,不写入任何数据")

    def handle(self, *args, files: list[str], dry_run: bool, **options):
        paths = [Path(file) for file in files]
        for path in paths:
            if not path.is_file():
                raise CommandError(_("文件不存在:%(path)s") % {"path": path})
        result = ledger_import(path=paths[0], more_paths=paths[1:], dry_run=dry_run)
        self.stdout.write("\n".join(summary_lines(result)))
        if not result.ok:
            raise CommandError(_("导入失败:共 %(count)d 处错误,未写入任何数据") % {"count": result.error_count})
