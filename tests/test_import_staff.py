"""The 员工 sheet of import_ledger: users, roles and staff rows, all or nothing, idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from assignments.models import Department, Staff
from assignments.staff_import import STAFF_SHEET

pytestmark = pytest.mark.django_db

ROWS = [
    ["s001", "李保安", "保安部", "员工", 1, 1, "13900000001", "是"],
    ["s002", "王主管", "保安部", "员工、主管", 3, "1.5", "13900000002", ""],
    ["f001", "赵会计", "财务部", "财务,员工", 2, "", "", "否"],
]


def workbook(path, rows, header=None):
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet(STAFF_SHEET.name)
    sheet.append(header or list(STAFF_SHEET.columns))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_ledger", str(path), *args, stdout=out)
    return out.getvalue()


def state():
    return sorted(
        (
            s.user.username,
            s.name,
            s.department.name,
            tuple(sorted(s.user.groups.values_list("name", flat=True))),
            s.seniority,
            s.weight,
            s.phone,
            s.active,
        )
        for s in Staff.objects.select_related("user", "department")
    )


def test_staff_sheet_creates_users_roles_and_staff(tmp_path):
    run(workbook(tmp_path / "staff.xlsx", ROWS))
    assert state() == [
        ("f001", "赵会计", "财务部", ("finance", "staff"), 2, Decimal("1.00"), "", False),
        ("s001", "李保安", "保安部", ("staff",), 1, Decimal("1.00"), "13900000001", True),
        ("s002", "王主管", "保安部", ("staff", "supervisor"), 3, Decimal("1.50"), "13900000002", True),
    ]
    user = User.objects.get(username="s001")
    assert not user.has_usable_password() and user.first_name == "李保安"
    assert set(Department.objects.values_list("name", flat=True)) == {"保安部", "财务部"}


def test_reimport_is_idempotent_and_changes_update(tmp_path):
    path = workbook(tmp_path / "staff.xlsx", ROWS)
    run(path)
    before = state()
    out = run(path)
    assert state() == before
    assert "员工" in out
    changed = [row[:] for row in ROWS]
    changed[0][3] = "员工、客服"
    changed[0][7] = "否"
    run(workbook(tmp_path / "changed.xlsx", changed))
    s001 = next(row for row in state() if row[0] == "s001")
    assert s001[3] == ("service", "staff") and s001[7] is False
    assert Staff.objects.count() == 3


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["s009", "", "保安部", "员工", 1, 1, "", "是"], "姓名", "不能为空"),
        (["s009", "某人", "保安部", "保安", 1, 1, "", "是"], "角色", "未知的角色"),
        (["s009", "某人", "保安部", "员工", 4, 1, "", "是"], "资历", "1、2 或 3"),
        (["s009", "某人", "保安部", "员工", 1, "-1", "", "是"], "权重", "0 到 100"),
        (["s009", "某人", "保安部", "员工", 1, 1, "", "也许"], "在职", ""),
        (["s 9", "某人", "保安部", "员工", 1, 1, "", "是"], "工号", "只能包含"),
    ],
)
def test_a_bad_row_writes_nothing_and_says_where(tmp_path, row, column, reason):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(workbook(tmp_path / "bad.xlsx", [ROWS[0], row])), stdout=out)
    assert f"员工\t3\t{column}\t" in out.getvalue() and reason in out.getvalue()
    assert Staff.objects.count() == 0 and User.objects.count() == 0 and Department.objects.count() == 0


def test_duplicate_login_and_unknown_column(tmp_path):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(workbook(tmp_path / "dup.xlsx", [ROWS[0], ROWS[0]])), stdout=out)
    assert "员工\t3\t工号\t与第 2 行的工号重复" in out.getvalue()
    with pytest.raises(CommandError):
        run(workbook(tmp_path / "cols.xlsx", [ROWS[0] + ["x"]], header=[*STAFF_SHEET.columns, "职务"]))
    assert Staff.objects.count() == 0


def test_the_command_lists_whose_roles_change(tmp_path):
    out = run(workbook(tmp_path / "staff.xlsx", ROWS[:1]))
    assert "角色变化:s001 李保安,(新员工) → 员工" in out

    changed = [ROWS[0][:3] + ["员工、主管"] + ROWS[0][4:]]
    out = run(workbook(tmp_path / "changed.xlsx", changed))
    assert "角色变化:s001 李保安,员工 → 主管、员工" in out
    assert "角色变化" not in run(workbook(tmp_path / "changed.xlsx", changed))
