"""The downloadable template: the five sheets, headers and one example row each, and a 说明 sheet."""

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from arrears.importer.columns import (
    CHANNEL_LABELS,
    CHARGES,
    COMMUNITIES,
    HOUSEHOLD_KIND_LABELS,
    HOUSEHOLDS,
    OCCUPANCY_LABELS,
    OWNER_KIND_LABELS,
    PAYMENTS,
)
from assignments.staff_import import STAFF_SHEET

# Every sheet the import reads, in the order it reads them: each may refer to what the ones before it created.
SHEETS = (COMMUNITIES, HOUSEHOLDS, CHARGES, PAYMENTS, STAFF_SHEET)

# The example rows import as they are: one community, one household, one charge and part of its payment.
EXAMPLES = {
    COMMUNITIES.name: ("C001", "阳光花园", "示例物业服务有限公司", "0.0005", 0, "", "80%"),
    HOUSEHOLDS.name: (
        "C001",
        "3",
        "2",
        "1201",
        "89.50",
        "住宅",
        "已入住",
        "张三",
        "个人",
        "13800000000",
        "",
        "阳光花园3-2-1201",
    ),
    CHARGES.name: (
        "C001",
        "3",
        "2",
        "1201",
        "物业费",
        date(2026, 1, 1),
        date(2026, 1, 31),
        "179.00",
        date(2026, 1, 31),
    ),
    PAYMENTS.name: (
        "C001",
        "3",
        "2",
        "1201",
        date(2026, 2, 10),
        "100.00",
        "微信",
        "SK-2026-0001",
        "一月物业费(部分)",
    ),
    # Not a login of the demo company: importing the template as it is must not touch a real account.
    STAFF_SHEET.name: ("example-001", "示例员工", "保安部", "员工", 1, "1", "13900000000", "是"),
}

NOTES_SHEET = "说明"
_LIST = "、".join
NOTES = (
    ("工作表", "列", "说明"),
    ("(全部)", "", "工作表可以只有其中几张,按 小区 → 房屋 → 应收 → 实收 → 员工 的顺序导入;表头必须与模板完全一致。"),
    ("(全部)", "", "任何一行有错,整个文件都不写入;请按错误表(工作表、行、列、原因)改正后重新上传。"),
    ("(全部)", "", "同一文件重复导入不会产生重复数据:相同的记录跳过,内容不同的已有记录报错。"),
    ("(全部)", "日期", "Excel 日期单元格,或文本 YYYY-MM-DD(如 2026-01-31)或 YYYY/M/D(如 2026/1/31)。"),
    ("(全部)", "金额", "数字,或文本如 1,234.50;最多两位小数,不能为负数。"),
    ("小区", "小区编码", "字母、数字、下划线或连字符,最长 20 位;已存在的小区按编码更新。"),
    ("小区", "日违约金率", "如 0.0005(每日万分之五),也可写 0.05%;不超过 0.01。"),
    ("小区", "宽限天数", "不小于 0 的整数。"),
    ("小区", "违约金上限比例", "单笔应收的违约金不超过其金额乘以此比例,如 0.3;留空表示不设上限。"),
    ("小区", "年度收费率目标", "0 到 1 之间,如 0.80,也可写 80%。"),
    ("房屋", "单元", "没有单元的房屋留空。"),
    ("房屋", "房屋类型", f"{_LIST(HOUSEHOLD_KIND_LABELS)};留空为住宅。"),
    ("房屋", "入住状态", f"{_LIST(OCCUPANCY_LABELS)};留空为已入住。"),
    ("房屋", "业主姓名", "同一小区中姓名和联系电话都相同的业主视为同一人;留空则不改房屋的业主。"),
    ("房屋", "业主类型", f"{_LIST(OWNER_KIND_LABELS)};留空为个人。"),
    ("应收", "小区编码/楼栋/单元/房号", "房屋必须已在系统中,或在本文件的「房屋」表中。"),
    ("应收", "费用项目", "如 物业费、车位费;新的费用项目自动创建。"),
    ("应收", "所属期起", "同一房屋、同一费用项目、同一所属期起只能有一笔应收。"),
    ("实收", "收款方式", f"{_LIST(CHANNEL_LABELS)}。"),
    ("实收", "收据号", "原收据号;同一小区内不能重复(内容完全相同的一行视为同一笔,跳过)。"),
    ("实收", "", "导入的收款视为已复核,按应缴日期从早到晚核销该房屋未结清的应收;多出的部分留作预收。"),
    ("员工", "工号", "员工的登录名;新员工的账号没有密码,由经理在管理后台设置。"),
    ("员工", "角色", "经理、主管、员工、财务、客服、综合部中的一个或多个,用顿号分隔,如 员工、主管。"),
    ("员工", "角色", "只有经理可以通过导入新建员工或修改角色;任何人都不能修改自己的角色。"),
    ("员工", "资历", "1 = 新员工/一线,2 = 熟练,3 = 主管。"),
    ("员工", "权重", "分包时的份额,默认 1;0 表示不参与分包。"),
    ("员工", "在职", "是 / 否;留空为是。"),
)


def template_workbook() -> bytes:
    """The template as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        sheet.append(spec.columns)
        sheet.append(EXAMPLES[spec.name])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 14
        for cell in sheet[2]:
            cell.number_format = "yyyy-mm-dd" if isinstance(cell.value, date) else "@"
    notes = workbook.create_sheet(NOTES_SHEET)
    for row in NOTES:
        notes.append(row)
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 10), ("B", 24), ("C", 90)):
        notes.column_dimensions[letter].width = width
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()
