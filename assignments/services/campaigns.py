"""Writes of the campaign pages: campaigns, who takes part and with what weight, leave, pins."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Community, Household
from assignments.models import Assignment, Campaign, CampaignMember, Pin, Staff, StaffLeave

WEIGHT_MAX = Decimal("100")


def _check_campaign(
    *,
    name: str,
    communities: list[Community],
    start_date: date,
    end_date: date,
    target: Decimal,
    threshold: Decimal,
    exclude_pk: int | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("请填写行动名称"))
    if not communities:
        errors.setdefault("communities", []).append(_("请至少选择一个小区"))
    if end_date < start_date:
        errors.setdefault("end_date", []).append(_("结束日期不能早于开始日期"))
    if not Decimal("0") <= target <= Decimal("1"):
        errors.setdefault("target", []).append(_("收费率目标应在 0% 与 100% 之间"))
    if threshold < Decimal("0.01"):
        errors.setdefault("threshold", []).append(_("起催金额至少为 0.01 元"))
    if errors:
        raise ValidationError(errors)
    # Two campaigns over one community on the same day would deal its households twice.
    clashes = (
        Campaign.objects.filter(communities__in=communities, start_date__lte=end_date, end_date__gte=start_date)
        .exclude(pk=exclude_pk)
        .order_by("start_date", "pk")
        .distinct()
    )
    for other in clashes:
        shared = sorted(c.name for c in other.communities.all() if c in communities)
        raise ValidationError(
            _("小区“%(communities)s”在 %(start)s 至 %(end)s 已有集中催费行动“%(name)s”,日期不能重叠")
            % {
                "communities": "、".join(shared),
                "start": other.start_date.isoformat(),
                "end": other.end_date.isoformat(),
                "name": other.name,
            }
        )


def _lock_communities(communities: Iterable[Community]) -> list[Community]:
    # Locked so that two managers saving overlapping campaigns at once cannot both pass the overlap check.
    ids = sorted({c.pk for c in communities})
    return list(Community.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def campaign_create(
    *,
    name: str,
    communities: Iterable[Community],
    start_date: date,
    end_date: date,
    target: Decimal = Decimal("0.8000"),
    threshold: Decimal = Decimal("0.01"),
    created_by=None,
) -> Campaign:
    """Create a campaign over some communities; no community may be in two campaigns on the same day."""
    locked = _lock_communities(communities)
    _check_campaign(
        name=name,
        communities=locked,
        start_date=start_date,
        end_date=end_date,
        target=target,
        threshold=threshold,
        exclude_pk=None,
    )
    campaign = Campaign.objects.create(
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        target=target,
        threshold=threshold,
        created_by=created_by,
    )
    campaign.communities.set(locked)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    name: str,
    communities: Iterable[Community],
    start_date: date,
    end_date: date,
    target: Decimal,
    threshold: Decimal,
) -> Campaign:
    """Change a campaign. Splits already saved stay as they are; the next day's split uses the new values."""
    locked = _lock_communities(communities)
    _check_campaign(
        name=name,
        communities=locked,
        start_date=start_date,
        end_date=end_date,
        target=target,
        threshold=threshold,
        exclude_pk=campaign.pk,
    )
    campaign.name = name.strip()
    campaign.start_date = start_date
    campaign.end_date = end_date
    campaign.target = target
    campaign.threshold = threshold
    campaign.save(update_fields=["name", "start_date", "end_date", "target", "threshold"])
    campaign.communities.set(locked)
    return campaign


@transaction.atomic
def member_set(*, campaign: Campaign, staff: Staff, eligible: bool, weight: Decimal | None) -> CampaignMember:
    """Whether a staff member takes part in a campaign's split (参与分包), and with what weight (None: their own)."""
    if weight is not None and not Decimal("0") <= weight <= WEIGHT_MAX:
        raise ValidationError({"weight": _("权重应在 0 与 100 之间")})
    member, _created = CampaignMember.objects.update_or_create(
        campaign=campaign, staff=staff, defaults={"eligible": eligible, "weight": weight}
    )
    return member


@transaction.atomic
def leave_add(*, staff: Staff, start_date: date, end_date: date, reason: str = "") -> StaffLeave:
    """Record a period of leave: the split leaves the person out on those days."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期")})
    Staff.objects.select_for_update().filter(pk=staff.pk).first()
    overlapping = StaffLeave.objects.filter(staff=staff, start_date__lte=end_date, end_date__gte=start_date).first()
    if overlapping is not None:
        raise ValidationError(
            _("%(name)s 在 %(start)s 至 %(end)s 已登记休假,日期不能重叠")
            % {
                "name": staff.name,
                "start": overlapping.start_date.isoformat(),
                "end": overlapping.end_date.isoformat(),
            }
        )
    return StaffLeave.objects.create(staff=staff, start_date=start_date, end_date=end_date, reason=reason.strip())


@transaction.atomic
def leave_remove(*, leave: StaffLeave) -> None:
    """Delete a period of leave (splits already saved are not changed)."""
    StaffLeave.objects.filter(pk=leave.pk).delete()


def _renumber(*, staff_id: int, day: date, first_household_id: int | None = None) -> None:
    """Number a collector's list for the day 1, 2, 3 … in its current order, optionally with one household first."""
    rows = list(
        Assignment.objects.select_for_update()
        .filter(staff_id=staff_id, day=day)
        .order_by("position", "campaign_id", "pk")
    )
    rows.sort(key=lambda row: row.household_id != first_household_id)  # stable: the rest keep their order
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    Assignment.objects.bulk_update(changed, ["position"])


@transaction.atomic
def assignment_move_to_top(*, household_id: int, day: date) -> list[Assignment]:
    """Put a household first on the day's list of whoever holds it, renumbering that list 1, 2, 3 …"""
    held = list(Assignment.objects.select_for_update().filter(household_id=household_id, day=day))
    for assignment in held:
        _renumber(staff_id=assignment.staff_id, day=day, first_household_id=household_id)
    return held


@transaction.atomic
def pin_set(*, campaign: Campaign, household: Household, staff: Staff, created_by=None) -> Pin:
    """Fix a household to a collector for the campaign. If today's split already gave it to someone else, it moves
    now, to the end of the new collector's list; the split never moves it again while the pin stands."""
    if not campaign.communities.filter(pk=household.community_id).exists():
        raise ValidationError({"household": _("该房屋不在本次行动的小区范围内")})
    if not staff.active:
        raise ValidationError({"staff": _("%(name)s 已离职,不能固定分配") % {"name": staff.name}})
    pin, _created = Pin.objects.update_or_create(
        campaign=campaign, household=household, defaults={"staff": staff, "created_by": created_by}
    )
    today = timezone.localdate()
    held = Assignment.objects.select_for_update().filter(campaign=campaign, day=today, household=household).first()
    if held is not None and held.staff_id != staff.pk:
        old_staff_id = held.staff_id
        last = (
            Assignment.objects.filter(staff=staff, day=today).order_by("-position").values_list("position", flat=True)
        ).first()
        held.staff = staff
        held.position = (last or 0) + 1
        held.former_staff = None  # pinned: it does not go back to anyone after leave
        held.save(update_fields=["staff", "position", "former_staff"])
        _renumber(staff_id=old_staff_id, day=today)
    return pin


@transaction.atomic
def pin_remove(*, pin: Pin) -> None:
    """Unpin a household: it stays with its collector today, and the split treats it like any other from tomorrow."""
    Pin.objects.filter(pk=pin.pk).delete()
