"""The demo company's people: departments in the seed's proportions, users, staff rows and role groups."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from assignments.models import Department, Seniority, Staff
from core import roles

from .behaviour import shares
from .names import mobile_phone, person_name

DEMO_PASSWORD = "demo1234"

# The seed's company: 58 people, 65% of them security and cleaning (22 + 16 = 38 of 58).
SEED_DEPARTMENTS = (
    ("保安部", 22),
    ("保洁部", 16),
    ("工程部", 8),
    ("客服部", 6),
    ("财务部", 2),
    ("综合部", 2),
    ("管理处", 2),
)
SEED_STAFF = sum(count for _name, count in SEED_DEPARTMENTS)
FIELD_DEPARTMENTS = frozenset({"保安部", "保洁部"})

# The fixed logins head their departments; the seed's 工作小组 is the manager and the department heads.
FIXED_HEADS = {
    "管理处": ("manager", (roles.MANAGER, roles.STAFF)),
    "财务部": ("finance", (roles.FINANCE, roles.SUPERVISOR, roles.STAFF)),
    "客服部": ("service", (roles.SERVICE, roles.SUPERVISOR, roles.STAFF)),
    "综合部": ("legal", (roles.LEGAL, roles.SUPERVISOR, roles.STAFF)),
}
FIXED_LOGINS = tuple(login for login, _roles in FIXED_HEADS.values())


@dataclass(frozen=True)
class Login:
    """A demo login to print: its role label, user name and department."""

    role: str
    username: str
    department: str


@dataclass(frozen=True)
class DemoStaff:
    """What the ledger writer needs from the staff: who verifies, who collects in the field."""

    verifier_id: int
    collector_ids: list[int]
    logins: list[Login]
    count: int
    numbered: int  # the employees s001 … s{numbered}


def department_sizes(total: int) -> list[tuple[str, int]]:
    """The seed's department shares scaled to ``total`` people, every department keeping at least one."""
    if total < len(SEED_DEPARTMENTS):
        raise ValueError(f"at least {len(SEED_DEPARTMENTS)} staff are needed, one per department")
    sizes = dict(shares(total, [(name, count / SEED_STAFF) for name, count in SEED_DEPARTMENTS]))
    for name in sizes:
        if sizes[name] == 0:
            largest = max(sizes, key=lambda key: (sizes[key], key))
            sizes[largest] -= 1
            sizes[name] = 1
    return [(name, sizes[name]) for name, _count in SEED_DEPARTMENTS]


def existing_logins() -> list[str]:
    return list(User.objects.filter(username__in=FIXED_LOGINS).values_list("username", flat=True))


def create_staff(*, total: int, rng: random.Random) -> DemoStaff:
    """Create ``total`` employees (users, staff rows, groups) and set each department's head."""
    password = make_password(DEMO_PASSWORD)  # hashed once: one slow hash, not one per user
    groups = {group.name: group for group in (Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES)}
    people = []  # (department name, username, role names, seniority, is head)
    serial = 0
    for department, size in department_sizes(total):
        for position in range(size):
            head = position == 0
            if head and department in FIXED_HEADS:
                username, role_names = FIXED_HEADS[department]
            else:
                serial += 1
                username = f"s{serial:03d}"
                role_names = (roles.SUPERVISOR, roles.STAFF) if head else (roles.STAFF,)
            people.append((department, username, role_names, _seniority(department, head, rng), head))
    names = [person_name(rng) for _person in people]
    users = User.objects.bulk_create(
        # The demo manager also runs the admin (master data, users' passwords).
        User(
            username=username,
            first_name=name,
            password=password,
            is_staff=roles.MANAGER in role_names,
            is_superuser=roles.MANAGER in role_names,
        )
        for (_dept, username, role_names, _sen, _head), name in zip(people, names, strict=True)
    )
    departments = {name: Department.objects.get_or_create(name=name)[0] for name, _count in SEED_DEPARTMENTS}
    staff = Staff.objects.bulk_create(
        Staff(
            user=user,
            name=name,
            department=departments[dept],
            seniority=seniority,
            weight=Decimal("1.00"),
            phone=mobile_phone(rng),
        )
        for user, name, (dept, _username, _roles, seniority, _head) in zip(users, names, people, strict=True)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=groups[role].pk)
        for user, (_dept, _username, role_names, _sen, _head) in zip(users, people, strict=True)
        for role in role_names
    )
    logins = []
    for member, (dept, username, role_names, _sen, head) in zip(staff, people, strict=True):
        if head:
            department = departments[dept]
            department.head = member
            department.save(update_fields=["head"])
            logins.append(Login(str(roles.ROLE_LABELS[role_names[0]]), username, dept))
    finance = next(user for user in users if user.username == "finance")
    collectors = [user.pk for user, person in zip(users, people, strict=True) if person[0] in FIELD_DEPARTMENTS]
    return DemoStaff(
        verifier_id=finance.pk,
        collector_ids=collectors or [finance.pk],
        logins=logins,
        count=len(users),
        numbered=serial,
    )


def _seniority(department: str, head: bool, rng: random.Random) -> int:
    if head:
        return Seniority.SUPERVISOR
    experienced = 0.25 if department in FIELD_DEPARTMENTS else 0.7
    return Seniority.EXPERIENCED if rng.random() < experienced else Seniority.FIELD
