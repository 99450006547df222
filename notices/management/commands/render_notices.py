import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from arrears.command_options import community_option, date_option
from arrears.models import Building, Community, Household
from notices.failures import failure_reason
from notices.models import BatchStatus, NoticeLevel
from notices.services import BatchCriteria, batch_create, batch_render

LEVELS = {
    **{value: value for value in NoticeLevel.values},
    **{str(label): value for value, label in NoticeLevel.choices},
}


class Command(BaseCommand):
    help = "生成催费通知书 PDF(与网页批次相同的服务,同步执行):输出合并 PDF 和每户各自的 PDF"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="计算截止日 YYYY-MM-DD(也是通知书日期)")
        parser.add_argument(
            "--level", required=True, help="通知级别:reminder/demand/lawyer 或 温馨提示/催费通知书/律师函"
        )
        parser.add_argument("--community", help="小区编码(只有一个小区时可省略)")
        parser.add_argument("--building", help="只生成该楼栋")
        parser.add_argument("--household", help="只生成该房屋:楼栋-单元-房号(无单元时 楼栋-房号)")
        parser.add_argument("--deadline", help="缴费期限 YYYY-MM-DD(默认按该级别文本设置的天数)")
        parser.add_argument("--out", required=True, help="输出目录")

    def handle(self, *args, as_of, level, community, building, household, deadline, out, **options):
        as_of_date = date_option(as_of, "--as-of", latest=timezone.localdate())  # a letter is not dated ahead
        deadline_date = date_option(deadline, "--deadline")
        if level not in LEVELS:
            raise CommandError(f"未知的通知级别:{level}。可选:{', '.join(LEVELS)}")
        community_obj = community_option(community)
        building_id = None
        if building:
            building_obj = Building.objects.filter(community=community_obj, name=building).first()
            if building_obj is None:
                raise CommandError(f"小区 {community_obj.code} 没有楼栋:{building}")
            building_id = building_obj.pk
        household_id = _household(community_obj, household).pk if household else None
        out_dir = Path(out)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建输出目录 {out}:{exc}") from exc

        criteria = BatchCriteria(
            community=community_obj,
            level=LEVELS[level],
            as_of=as_of_date,
            building_id=building_id,
            household_id=household_id,
        )
        try:
            batch = batch_create(criteria=criteria, deadline=deadline_date, enqueue=False)
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from exc
        try:
            batch = batch_render(batch_id=batch.pk)
        except Exception as exc:
            raise CommandError(f"批次 #{batch.pk} {failure_reason(exc)}(可在网页上「重新生成」)") from exc
        if batch.status != BatchStatus.DONE:
            raise CommandError(f"批次 #{batch.pk} 未完成:{batch.get_status_display()}")

        for error in batch.errors:
            self.stderr.write(f"{error.get('household') or ''} {error.get('message')}")
        if not batch.combined_pdf:
            self.stdout.write(f"批次 #{batch.pk}:没有新的通知书(见上面列出的房屋)")
            return
        combined = out_dir / f"{community_obj.code}-{batch.level}-{as_of_date:%Y%m%d}-{batch.pk}.pdf"
        _copy(batch.combined_pdf, combined)
        count = 0
        for notice in batch.notices.exclude(pdf="").order_by("sequence"):
            _copy(notice.pdf, out_dir / f"{notice.number}.pdf")
            count += 1
        self.stdout.write(f"批次 #{batch.pk}:{count} 份通知书 → {out_dir}(合并文件 {combined.name})")


def _copy(field_file, target: Path) -> None:
    with field_file.open("rb") as source, target.open("wb") as dest:
        shutil.copyfileobj(source, dest)


def _household(community: Community, label: str) -> Household:
    for household in Household.objects.filter(community=community).select_related("building"):
        if household.label == label:
            return household
    raise CommandError(f"小区 {community.code} 没有房屋 {label}(格式:楼栋-单元-房号,无单元时 楼栋-房号)")
