"""A campaign's page: today's split and its quality, each person's part, leave and pins, and their POST actions."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from arrears.models import Household
from arrears.money import ZERO
from arrears.positions import owing
from assignments.forms_manage import LeaveForm, MemberForm, PinForm
from assignments.models import Assignment, Campaign, CampaignMember, Pin, SplitRun, StaffLeave
from assignments.permissions import (
    campaigns_visible_to,
    can_manage_campaigns,
    can_open_campaigns,
    leaves_visible_to,
    pinnable_staff,
    pins_visible_to,
    staff_visible_to,
)
from assignments.services.campaigns import leave_add, leave_remove, member_set, pin_remove, pin_set
from assignments.services.split import split_for_day
from assignments.tables import CampaignPeopleTable, PinTable, campaign_status
from core.access import add_service_errors, allowed_only
from core.exports import table_export

PEOPLE_PER_PAGE = 60
PINS_PER_PAGE = 20


@dataclass(frozen=True)
class PersonRow:
    """One staff member's part in a campaign on a day."""

    pk: int
    name: str
    department: str
    count: int
    arrears: Decimal
    buildings: int
    pins: int
    member_eligible: bool  # 参与分包 as set for this campaign (True when never set)
    weight_override: Decimal | None
    own_weight: Decimal
    on_leave: bool
    active: bool

    @property
    def eligible_today(self) -> bool:
        weight = self.weight_override if self.weight_override is not None else self.own_weight
        return self.active and self.member_eligible and not self.on_leave and weight > 0


def people_rows(campaign: Campaign, day: date, staff) -> list[PersonRow]:
    """Every person the user follows who is active or holds households of the campaign today, with their figures."""
    held = list(
        Assignment.objects.filter(campaign=campaign, day=day, staff__in=staff).values_list(
            "staff_id", "household_id", "household__building_id"
        )
    )
    owed: dict[int, Decimal] = {}
    if held:
        owed = owing(Household.objects.filter(pk__in=[household_id for _s, household_id, _b in held]), day)
    count: Counter[int] = Counter()
    total: dict[int, Decimal] = defaultdict(lambda: ZERO)
    buildings: dict[int, set[int]] = defaultdict(set)
    for staff_id, household_id, building_id in held:
        count[staff_id] += 1
        total[staff_id] += owed.get(household_id, ZERO)
        buildings[staff_id].add(building_id)
    members = {m.staff_id: m for m in CampaignMember.objects.filter(campaign=campaign, staff__in=staff)}
    on_leave = set(
        StaffLeave.objects.filter(staff__in=staff, start_date__lte=day, end_date__gte=day).values_list(
            "staff_id", flat=True
        )
    )
    pins = Counter(Pin.objects.filter(campaign=campaign, staff__in=staff).values_list("staff_id", flat=True))
    people = staff.filter(Q(active=True) | Q(pk__in={s for s, _h, _b in held})).select_related("department")
    rows = []
    for person in people.order_by("department__name", "name"):
        member = members.get(person.pk)
        rows.append(
            PersonRow(
                pk=person.pk,
                name=person.name,
                department=person.department.name,
                count=count[person.pk],
                arrears=total[person.pk],
                buildings=len(buildings[person.pk]),
                pins=pins[person.pk],
                member_eligible=member.eligible if member else True,
                weight_override=member.weight if member else None,
                own_weight=person.weight,
                on_leave=person.pk in on_leave,
                active=person.active,
            )
        )
    return rows


def _campaign_for(request, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible_to(request.user).prefetch_related("communities"), pk=pk)


def _render_detail(request, campaign: Campaign, *, pin_form=None, leave_form=None, status: int = 200):
    user = request.user
    today = timezone.localdate()
    can_manage = can_manage_campaigns(user)
    visible_staff = staff_visible_to(user)
    run_today = SplitRun.objects.filter(campaign=campaign, day=today).first()
    last_run = None
    if run_today is None:
        last_run = SplitRun.objects.filter(campaign=campaign, day__lt=today).order_by("-day").first()

    people = CampaignPeopleTable(
        people_rows(campaign, today, visible_staff), campaign_pk=campaign.pk, editable=can_manage
    )
    RequestConfig(request, paginate={"per_page": PEOPLE_PER_PAGE}).configure(people)
    pins = PinTable(
        pins_visible_to(user, campaign).select_related(
            "household__building", "household__community", "staff__department", "created_by"
        )
    )
    RequestConfig(request, paginate={"per_page": PINS_PER_PAGE}).configure(pins)
    for table, name, trigger in ((people, _("参与人员"), "_export_people"), (pins, _("固定分配"), "_export_pins")):
        if export := table_export(request, table, name, trigger):
            return export
    if pin_form is None:
        pin_form = PinForm(campaign=campaign, staff_queryset=pinnable_staff(user))
    if leave_form is None and can_manage:
        leave_form = LeaveForm(staff_queryset=visible_staff.filter(active=True))
    leaves = (
        leaves_visible_to(user).filter(end_date__gte=today).select_related("staff__department").order_by("start_date")
    )
    css, state = campaign_status(campaign, today)
    running = campaign.start_date <= today <= campaign.end_date
    return render(
        request,
        "assignments/manage/campaign_detail.html",
        {
            "campaign": campaign,
            "today": today,
            "state": state,
            "state_css": css,
            "running": running,
            "run": run_today,
            "last_run": last_run,
            "stats": (run_today or last_run).stats if (run_today or last_run) else None,
            "can_manage": can_manage,
            "people": people,
            "pins": pins,
            "pin_form": pin_form,
            "leave_form": leave_form,
            "leaves": leaves,
        },
        status=status,
    )


@allowed_only(can_open_campaigns)
def campaign_detail(request, pk: int):
    return _render_detail(request, _campaign_for(request, pk))


@require_POST
@allowed_only(can_manage_campaigns)
def campaign_split(request, pk: int):
    """Generate today's split. Idempotent: once it exists for today, pressing again changes nothing."""
    campaign = _campaign_for(request, pk)
    today = timezone.localdate()
    if not campaign.start_date <= today <= campaign.end_date:
        messages.error(request, _("本行动今天不在执行期内,不能生成今日分包"))
        return redirect("campaign_detail", pk=campaign.pk)
    existed = SplitRun.objects.filter(campaign=campaign, day=today).exists()
    run = split_for_day(campaign=campaign, day=today)
    if existed:
        messages.info(request, _("今日分包已生成过,重复生成不会改变结果"))
    else:
        messages.success(
            request,
            _("已生成今日分包:%(households)s 户分给 %(staff)s 人")
            % {"households": run.stats.get("households", 0), "staff": run.stats.get("staff", 0)},
        )
    return redirect("campaign_detail", pk=campaign.pk)


@require_POST
@allowed_only(can_manage_campaigns)
def campaign_member_set(request, pk: int, staff_id: int):
    campaign = _campaign_for(request, pk)
    staff = get_object_or_404(staff_visible_to(request.user), pk=staff_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member_set(
                campaign=campaign,
                staff=staff,
                eligible=form.cleaned_data["eligible"],
                weight=form.cleaned_data["weight"],
            )
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("已保存 %(name)s 的分包设置,从下一次分包起生效") % {"name": staff.name})
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, _("%(name)s:%(errors)s") % {"name": staff.name, "errors": ";".join(errors)})
    return redirect(reverse("campaign_detail", args=[campaign.pk]) + "#people")


@require_POST
@allowed_only(can_manage_campaigns)
def campaign_leave_add(request, pk: int):
    campaign = _campaign_for(request, pk)
    form = LeaveForm(request.POST, staff_queryset=staff_visible_to(request.user).filter(active=True))
    if form.is_valid():
        data = form.cleaned_data
        try:
            leave = leave_add(
                staff=data["staff"], start_date=data["start_date"], end_date=data["end_date"], reason=data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已登记 %(name)s 的休假 %(start)s 至 %(end)s,从下一次分包起生效")
                % {"name": leave.staff.name, "start": leave.start_date, "end": leave.end_date},
            )
            return redirect(reverse("campaign_detail", args=[campaign.pk]) + "#leaves")
    return _render_detail(request, campaign, leave_form=form, status=400)


@require_POST
@allowed_only(can_manage_campaigns)
def campaign_leave_remove(request, pk: int, leave_id: int):
    campaign = _campaign_for(request, pk)
    leave = get_object_or_404(leaves_visible_to(request.user).select_related("staff"), pk=leave_id)
    leave_remove(leave=leave)
    messages.success(request, _("已删除 %(name)s 的休假") % {"name": leave.staff.name})
    return redirect(reverse("campaign_detail", args=[campaign.pk]) + "#leaves")


@require_POST
@allowed_only(can_open_campaigns)
def campaign_pin_set(request, pk: int):
    """Pin a household to one of the user's people (a supervisor's own department; anyone for a manager)."""
    campaign = _campaign_for(request, pk)
    form = PinForm(request.POST, campaign=campaign, staff_queryset=pinnable_staff(request.user))
    if form.is_valid():
        household = form.cleaned_data["household_obj"]
        staff = form.cleaned_data["staff"]
        taken = (
            Pin.objects.filter(campaign=campaign, household=household)
            .exclude(staff__in=staff_visible_to(request.user))
            .select_related("staff")
            .first()
        )
        if taken is not None:
            form.add_error(
                "household",
                _("该房屋已固定给 %(name)s(%(department)s),只有经理或其主管可以改动")
                % {"name": taken.staff.name, "department": taken.staff.department.name},
            )
        else:
            try:
                pin_set(campaign=campaign, household=household, staff=staff, created_by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已将 %(household)s 固定给 %(name)s;如今日分包已生成,该户已移到其今日清单")
                    % {"household": household.label, "name": staff.name},
                )
                return redirect(reverse("campaign_detail", args=[campaign.pk]) + "#pins")
    return _render_detail(request, campaign, pin_form=form, status=400)


@require_POST
@allowed_only(can_open_campaigns)
def campaign_pin_remove(request, pk: int, pin_id: int):
    campaign = _campaign_for(request, pk)
    pin = get_object_or_404(
        pins_visible_to(request.user, campaign).select_related("household__building", "staff"), pk=pin_id
    )
    pin_remove(pin=pin)
    messages.success(request, _("已取消 %(household)s 的固定分配") % {"household": pin.household.label})
    return redirect(reverse("campaign_detail", args=[campaign.pk]) + "#pins")
