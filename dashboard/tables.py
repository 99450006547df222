"""The league tables as django-tables2 tables, for their Excel export (the page renders its own markup)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class _LeagueColumns(tables.Table):
    assigned = tables.Column(_("分到户数"))
    contacted_7d = tables.Column(_("近7天联系户数"))
    promises = tables.Column(_("承诺"))
    kept = tables.Column(_("兑现"))
    cleared = tables.Column(_("结清户数"))
    collected = tables.Column(_("负责期间收款"))

    class Meta:
        orderable = False


class StaffLeagueTable(_LeagueColumns):
    """One row per staff member (rows of dashboard.selectors.Dashboard.staff_league)."""

    name = tables.Column(_("员工"))
    department = tables.Column(_("部门"))

    class Meta(_LeagueColumns.Meta):
        sequence = ("name", "department", "...")


class DepartmentLeagueTable(_LeagueColumns):
    """One row per department (rows of Dashboard.department_league)."""

    name = tables.Column(_("部门"))

    class Meta(_LeagueColumns.Meta):
        sequence = ("name", "...")
