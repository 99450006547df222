"""The household list and the household page (its owner, late-fee policy and ledger)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears.filters import HouseholdFilter
from arrears.late_fees.selectors import waivers_of
from arrears.late_fees.views import can_manage_late_fees
from arrears.masking import mask_name, mask_phone
from arrears.models import Allocation, Charge, Household
from arrears.models.households import OwnerKind
from arrears.money import ZERO
from arrears.permissions import (
    can_move_legal_track,
    can_read_households,
    can_see_full_contact,
    households_visible_to,
    sees_every_full_contact,
)
from arrears.positions import charge_positions, position, with_overdue
from arrears.tables import LIST_SEPARATOR, SEGMENT_ORDER, HouseholdTable
from audit.changes import describe, record_kind
from audit.permissions import can_read_trail
from audit.selectors import household_trail
from core.dates import date_param
from core.lists import ListPage

from .legal import LegalTrackForm

FILTER_FIELDS = ("building", "occupancy", "segment", "min_overdue")
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
# The household page shows this many of its latest audit-trail entries (all of them on /audit/).
TRAIL_ROWS = 30


class HouseholdListView(ListPage):
    """Households with their overdue principal as of today, filtered and sorted; htmx gets the table only."""

    table_class = HouseholdTable
    export_name = _("房屋欠费")
    filterset_class = HouseholdFilter
    template_name = "arrears/household_list.html"
    results_template_name = "arrears/household_list_results.html"
    filter_fields = FILTER_FIELDS
    allowed = staticmethod(can_read_households)

    def get_queryset(self):
        households = (
            households_visible_to(self.request.user)
            .select_related("community", "building", "owner")
            .prefetch_related("owner__segment_tags")
        )
        return with_overdue(households, timezone.localdate())

    def get_table_kwargs(self):
        return {"full_contact": sees_every_full_contact(self.request.user)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["as_of"] = timezone.localdate()
        context["full_contact"] = sees_every_full_contact(self.request.user)
        return context


@dataclass(frozen=True)
class LedgerCharge:
    """A charge as the household page shows it on a date."""

    fee_item: str
    period_start: date
    period_end: date
    amount: Decimal
    due_date: date
    paid: Decimal
    outstanding: Decimal
    late_fee: Decimal
    is_due: bool


def _ledger_charges(household: Household, as_of: date) -> list[LedgerCharge]:
    """Charges due before ``as_of`` with their late fee (arrears.positions), then those not yet due."""
    rows = [
        LedgerCharge(
            fee_item=item.fee_item,
            period_start=item.period_start,
            period_end=item.period_end,
            amount=item.amount,
            due_date=item.due_date,
            paid=item.amount - item.outstanding,
            outstanding=item.outstanding,
            late_fee=item.late_fee,
            is_due=True,
        )
        for item in charge_positions(Household.objects.filter(pk=household.pk), as_of)
    ]
    not_due = (
        Charge.objects.filter(household=household, due_date__gte=as_of)
        .select_related("fee_item")
        .annotate(
            paid=Coalesce(
                Sum("allocations__amount", filter=Q(allocations__applied_on__lte=as_of)),
                Value(ZERO),
                output_field=MONEY_FIELD,
            )
        )
        .order_by("due_date", "period_start", "id")
    )
    rows += [
        LedgerCharge(
            fee_item=charge.fee_item.name,
            period_start=charge.period_start,
            period_end=charge.period_end,
            amount=charge.amount,
            due_date=charge.due_date,
            paid=charge.paid,
            outstanding=charge.amount - charge.paid,
            late_fee=ZERO,
            is_due=False,
        )
        for charge in not_due
    ]
    return rows


def _collector_name(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else (user.get_full_name() or user.get_username())


@login_required
def household_detail(request, pk: int):
    """One household as of a date: owner (masked unless allowed), late-fee policy, charges and payments.

    The 违约金 is shown accrued (the sum over the charges), waived (waivers dated on or before the date, not
    cancelled) and owed (the difference, never below zero): the household's position (arrears.positions)."""
    household = get_object_or_404(
        households_visible_to(request.user)
        .select_related("community", "building", "owner", "late_fee_override")
        .prefetch_related("owner__segment_tags"),
        pk=pk,
    )
    as_of, as_of_error = date_param(request)
    charges = _ledger_charges(household, as_of)
    standing = position(household, as_of)
    waivers = list(waivers_of(household))
    payments = list(
        household.payments.select_related("collected_by__staff").prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("charge__fee_item").order_by("applied_on", "id"),
            )
        )
    )
    for payment in payments:
        payment.collector_name = _collector_name(payment.collected_by)

    owner = household.owner
    full_contact = can_see_full_contact(request.user, household)
    contact = None
    if owner is not None:
        organisation = owner.kind == OwnerKind.ORGANISATION
        contact = {
            "name": owner.name if full_contact else mask_name(owner.name, organisation=organisation),
            "phone": owner.phone if full_contact else mask_phone(owner.phone),
            "phone_alt": owner.phone_alt if full_contact else mask_phone(owner.phone_alt),
            "address": owner.address if full_contact else "",
            "kind": owner.get_kind_display(),
            "segments": str(LIST_SEPARATOR).join(
                str(tag.get_segment_display())
                for tag in sorted(owner.segment_tags.all(), key=lambda tag: SEGMENT_ORDER.get(tag.segment, 99))
            ),
        }
    override = getattr(household, "late_fee_override", None)
    trail = None
    if can_read_trail(request.user):
        entries = list(household_trail(household).select_related("actor__staff")[:TRAIL_ROWS])
        described = describe(entries)
        trail = [(entry, record_kind(entry), described[entry.pk]) for entry in entries]
    return render(
        request,
        "arrears/household_detail.html",
        {
            "household": household,
            "as_of": as_of,
            "as_of_error": as_of_error,
            "is_today": as_of == timezone.localdate(),
            "contact": contact,
            "full_contact": full_contact,
            "policy": household.late_fee_policy,
            "policy_override": override,
            "charges": charges,
            "not_due_total": sum((row.outstanding for row in charges if not row.is_due), ZERO),
            "principal": standing.principal,
            "late_fee": standing.late_fee,
            "late_fee_gross": standing.late_fee_gross,
            "late_fee_waived": standing.late_fee_waived,
            "total": standing.total,
            "payments": payments,
            "waivers": waivers,
            "can_waive": can_manage_late_fees(request.user),
            "can_move_legal_track": can_move_legal_track(request.user),
            "legal_form": LegalTrackForm(),
            "legal_changes": list(household.legal_track_changes.select_related("changed_by__staff")),
            "trail": trail,
            "trail_rows": TRAIL_ROWS,
        },
    )
