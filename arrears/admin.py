"""Admin for the master data; the ledger (charges, payments, allocations) is shown read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Allocation,
    Building,
    Charge,
    Community,
    FeeItem,
    Household,
    LateFeeOverride,
    Owner,
    OwnerSegment,
    Payment,
    PaymentReversal,
)
from .templatetags.arrears_format import percent


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    """Communities with their late-fee policy and target."""

    list_display = (
        "code",
        "name",
        "company_name",
        "late_fee_daily_rate",
        "annual_rate",
        "late_fee_grace_days",
        "late_fee_cap_ratio",
        "annual_target",
    )
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "name", "company_name", "annual_target")}),
        (_("违约金政策"), {"fields": ("late_fee_daily_rate", "late_fee_grace_days", "late_fee_cap_ratio")}),
    )

    @admin.display(description=_("年化违约金率"))
    def annual_rate(self, community: Community) -> str:
        return percent(community.late_fee_policy.annual_rate, 2)


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    """Buildings of each community."""

    list_display = ("name", "community")
    list_filter = ("community",)
    list_select_related = ("community",)
    search_fields = ("name", "community__name")


class LateFeeOverrideInline(admin.StackedInline):
    model = LateFeeOverride
    extra = 0
    max_num = 1


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    """Households, searchable by room and owner name."""

    list_display = ("label", "community", "floor_area", "kind", "occupancy", "owner", "on_legal_track")
    list_filter = ("community", "occupancy", "kind", "on_legal_track")
    list_select_related = ("community", "building", "owner")
    search_fields = ("room", "building__name", "owner__name")
    autocomplete_fields = ("building", "owner")
    inlines = (LateFeeOverrideInline,)
    ordering = ("community", "building__name", "unit", "room")
    # Moved on and off from the household's page (arrears.services.legal), which keeps the reason and history.
    readonly_fields = ("on_legal_track",)

    @admin.display(description=_("房屋"), ordering="building__name")
    def label(self, household: Household) -> str:
        return household.label


class OwnerSegmentInline(admin.TabularInline):
    model = OwnerSegment
    extra = 0


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    """Owners with their segment tags."""

    list_display = ("name", "kind", "phone", "community", "segments")
    list_filter = ("community", "kind", "segment_tags__segment")
    list_select_related = ("community",)
    search_fields = ("name", "phone", "phone_alt")
    inlines = (OwnerSegmentInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("segment_tags")

    @admin.display(description=_("分类"))
    def segments(self, owner: Owner) -> str:
        return "、".join(str(tag.get_segment_display()) for tag in owner.segment_tags.all())


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    """Fee items (物业费, 车位费 …)."""

    list_display = ("name",)
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """The ledger is append-only and written by services: the admin only shows it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    """Charges, read-only."""

    list_display = ("household", "fee_item", "period_start", "period_end", "amount", "due_date")
    list_filter = ("household__community", "fee_item")
    list_select_related = ("household__building", "fee_item")
    search_fields = ("household__room", "household__owner__name")
    date_hierarchy = "due_date"


class AllocationInline(admin.TabularInline):
    model = Allocation
    fields = ("charge", "amount", "applied_on", "reversal")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Payments and their allocations, read-only."""

    list_display = ("paid_on", "household", "amount", "channel", "status", "receipt_no", "collected_by")
    list_filter = ("status", "channel", "community", "imported")
    list_select_related = ("household__building", "collected_by")
    search_fields = ("receipt_no", "reference", "household__room", "household__owner__name")
    date_hierarchy = "paid_on"
    inlines = (AllocationInline,)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    """Allocations of payments to charges (negative rows are reversals), read-only."""

    list_display = ("payment", "charge", "amount", "applied_on", "reversal")
    list_select_related = ("payment", "charge__fee_item", "reversal__payment")
    date_hierarchy = "applied_on"


@admin.register(PaymentReversal)
class PaymentReversalAdmin(ReadOnlyAdmin):
    """Reversals of verified payments, read-only."""

    list_display = ("payment", "reversed_on", "reason", "reversed_by")
    list_select_related = ("payment", "reversed_by")
