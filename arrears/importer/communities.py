"""The 小区 sheet: communities and their late-fee policy, created or updated by code."""

import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from arrears.models import Community

from .columns import COMMUNITIES
from .row import RowCells
from .state import ImportState, KnownCommunity

_CODE = re.compile(r"[-a-zA-Z0-9_]+")
_POLICY_FIELDS = (
    "name",
    "company_name",
    "late_fee_daily_rate",
    "late_fee_grace_days",
    "late_fee_cap_ratio",
    "annual_target",
)


def check_communities(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    """Check the rows and note what changes; nothing is written yet."""
    counts = state.result.counts[COMMUNITIES.name]
    existing = {community.code: community for community in Community.objects.all()}
    seen: dict[str, int] = {}
    for number, (code, name, company, rate, grace, cap, target) in rows:
        cells = RowCells(state.result, COMMUNITIES.name, number)
        code = cells.text("小区编码", code, max_length=20, required=True)
        if code and not _CODE.fullmatch(code):
            cells.error("小区编码", _("只能包含字母、数字、下划线和连字符"))
        elif code in seen:
            cells.error("小区编码", _("与第 %(row)d 行的小区编码重复") % {"row": seen[code]})
        values = {
            "name": cells.text("小区名称", name, max_length=100, required=True),
            "company_name": cells.text("公司名称", company, max_length=200, required=True),
            "late_fee_daily_rate": cells.ratio("日违约金率", rate, places=6, max_digits=8, maximum=Decimal("0.01")),
            "late_fee_grace_days": cells.whole_number("宽限天数", grace),
            "late_fee_cap_ratio": cells.ratio(
                "违约金上限比例", cap, places=4, max_digits=6, maximum=Decimal("99.9999"), required=False
            ),
            "annual_target": cells.ratio("年度收费率目标", target, places=4, max_digits=5, maximum=Decimal("1")),
        }
        seen.setdefault(code, number)
        if cells.failed:
            state.failed_communities.add(code)
            continue
        community = existing.get(code)
        if community is None:
            known = KnownCommunity(code, None, values)
            state.communities[code] = known
            state.new_communities.append(known)
            counts.created += 1
        elif any(getattr(community, field) != values[field] for field in _POLICY_FIELDS):
            state.changed_communities.append((community, values))
            counts.updated += 1
        else:
            counts.unchanged += 1


def write_communities(state: ImportState) -> None:
    for known in state.new_communities:
        known.pk = Community.objects.create(code=known.code, **known.values).pk
    for community, values in state.changed_communities:
        for field in _POLICY_FIELDS:
            setattr(community, field, values[field])
        community.save(update_fields=list(_POLICY_FIELDS))
