"""The 员工 sheet of the workbook import: departments, users (工号 is the login), their roles and Staff rows.

It runs inside the ledger import's transaction (imports.workbook_import), with the ledger sheets' row parsing.
"""

import re
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.utils.translation import gettext as _

from arrears.importer.columns import SheetSpec
from arrears.importer.parse import CellError, parse_amount, parse_whole_number
from arrears.importer.result import RoleChange
from arrears.importer.row import RowCells
from arrears.importer.state import ImportState
from core.roles import FINANCE, LEGAL, MANAGER, SERVICE, STAFF, SUPERVISOR, has_role

from .models import Department, Staff

# Every employee is a collector; 工号 is their login.
STAFF_SHEET = SheetSpec("员工", ("工号", "姓名", "部门", "角色", "资历", "权重", "手机", "在职"))
# Spelled out (not read from the lazy labels) so the import does not depend on the active language.
ROLE_LABELS = {
    "经理": MANAGER,
    "主管": SUPERVISOR,
    "员工": STAFF,
    "财务": FINANCE,
    "客服": SERVICE,
    "综合部": LEGAL,
}
YES_NO_LABELS = {"是": "yes", "否": "no"}

_LOGIN = re.compile(r"[\w.@+-]+")
_ROLE_SEPARATORS = re.compile(r"[、,,;;/\s]+")
_STAFF_FIELDS = ("name", "department_id", "seniority", "weight", "phone", "active")


def _roles(cells: RowCells, value) -> set[str] | None:
    labels = [label for label in _ROLE_SEPARATORS.split(str(value or "").strip()) if label]
    if not labels:
        cells.error("角色", _("不能为空"))
        return None
    unknown = [label for label in labels if label not in ROLE_LABELS]
    if unknown:
        cells.error(
            "角色",
            _("未知的角色:%(labels)s(可填:%(known)s)")
            % {"labels": "、".join(unknown), "known": "、".join(ROLE_LABELS)},
        )
        return None
    return {ROLE_LABELS[label] for label in labels}


def _seniority(cells: RowCells, value) -> int | None:
    try:
        number = parse_whole_number(value)
    except CellError as exc:
        cells.error("资历", str(exc))
        return None
    if number not in (1, 2, 3):
        cells.error("资历", _("资历只能是 1、2 或 3"))
        return None
    return number


def _weight(cells: RowCells, value) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return Decimal("1.00")
    try:
        number = parse_amount(value, places=2, max_digits=5)
    except CellError as exc:
        cells.error("权重", str(exc))
        return None
    if number < 0 or number > 100:
        cells.error("权重", _("权重应在 0 到 100 之间"))
        return None
    return number


def _labels(roles: Iterable[str]) -> tuple[str, ...]:
    """Role names as the workbook spells them, in the template's order."""
    return tuple(label for label, role in ROLE_LABELS.items() if role in set(roles))


def _may_set_roles(cells: RowCells, state: ImportState, login: str, created: bool) -> bool:
    """Only a manager gives or changes roles through the import, and nobody changes their own.

    ``state.user`` is None for the command line, run by whoever operates the server.
    """
    user = state.user
    if user is None:
        return True
    if user.get_username() == login:
        cells.error("角色", _("不能通过导入修改自己的角色"))
        return False
    if not has_role(user, MANAGER):
        if created:
            cells.error("角色", _("只有经理可以通过导入新建员工账号并分配角色"))
        else:
            cells.error("角色", _("只有经理可以通过导入修改员工的角色"))
        return False
    return True


def import_staff(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    counts = state.result.counts[STAFF_SHEET.name]
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_LABELS.values())}
    for name in ROLE_LABELS.values():
        if name not in groups:
            groups[name] = Group.objects.create(name=name)
    role_names = set(ROLE_LABELS.values())
    departments = {d.name: d for d in Department.objects.all()}
    seen: dict[str, int] = {}
    for number, (login, name, department, roles, seniority, weight, phone, active) in rows:
        cells = RowCells(state.result, STAFF_SHEET.name, number)
        login = cells.text("工号", login, max_length=150, required=True)
        if login and not _LOGIN.fullmatch(login):
            cells.error("工号", _("只能包含字母、数字和 @ . + - _"))
        elif login in seen:
            cells.error("工号", _("与第 %(row)d 行的工号重复") % {"row": seen[login]})
        seen.setdefault(login, number)
        values = {
            "name": cells.text("姓名", name, max_length=50, required=True),
            "department_name": cells.text("部门", department, max_length=50, required=True),
            "roles": _roles(cells, roles),
            "seniority": _seniority(cells, seniority),
            "weight": _weight(cells, weight),
            "phone": cells.text("手机", phone, max_length=30),
            "active": cells.choice("在职", active, YES_NO_LABELS, default="yes"),
        }
        if cells.failed:
            continue
        dept = departments.get(values["department_name"])
        if dept is None:
            dept = departments[values["department_name"]] = Department.objects.create(name=values["department_name"])
        changed = False
        user = User.objects.filter(username=login).first()
        created = user is None
        current = set() if created else set(user.groups.filter(name__in=role_names).values_list("name", flat=True))
        if current != values["roles"]:
            if not _may_set_roles(cells, state, login, created):
                continue
            state.result.role_changes.append(
                RoleChange(login=login, name=values["name"], before=_labels(current), after=_labels(values["roles"]))
            )
        if created:
            user = User(username=login, first_name=values["name"])
            user.set_unusable_password()  # the manager sets a password in the admin
            user.save()
        elif user.first_name != values["name"]:
            user.first_name = values["name"]
            user.save(update_fields=["first_name"])
            changed = True
        if current != values["roles"]:
            user.groups.remove(*[groups[r] for r in current - values["roles"]])
            user.groups.add(*[groups[r] for r in values["roles"] - current])
            changed = True
        wanted = {
            "name": values["name"],
            "department_id": dept.pk,
            "seniority": values["seniority"],
            "weight": values["weight"],
            "phone": values["phone"],
            "active": values["active"] == "yes",
        }
        staff = Staff.objects.filter(user=user).first()
        if staff is None:
            Staff.objects.create(user=user, **wanted)
            created = True
        elif any(getattr(staff, field) != wanted[field] for field in _STAFF_FIELDS):
            for field in _STAFF_FIELDS:
                setattr(staff, field, wanted[field])
            staff.save(update_fields=list(_STAFF_FIELDS))
            changed = True
        if created:
            counts.created += 1
        elif changed:
            counts.updated += 1
        else:
            counts.unchanged += 1
