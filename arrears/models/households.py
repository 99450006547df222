from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .community import Building, Community


class OwnerKind(models.TextChoices):
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")


class Segment(models.TextChoices):
    HARD_REFUSER = "hard_refuser", _("钉子户")
    SWING = "swing", _("摇摆户")
    ABSENTEE = "absentee", _("长期外出")
    KEY_PERSON = "key_person", _("关键人物")


class HouseholdKind(models.TextChoices):
    RESIDENCE = "residence", _("住宅")
    SHOP = "shop", _("商铺")
    PARKING = "parking", _("车位")


class Occupancy(models.TextChoices):
    OCCUPIED = "occupied", _("已入住")
    VACANT = "vacant", _("空置")
    ABSENT = "absent", _("长期外出")


class Owner(models.Model):
    """The owner (业主) of one or more households: a person or an organisation."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="owners")
    name = models.CharField(_("业主姓名"), max_length=100)
    kind = models.CharField(_("业主类型"), max_length=20, choices=OwnerKind.choices, default=OwnerKind.PERSON)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    phone_alt = models.CharField(_("备用电话"), max_length=30, blank=True)
    address = models.CharField(_("通讯地址"), max_length=300, blank=True)

    class Meta:
        ordering = ["community", "name"]
        indexes = [models.Index(fields=["community", "name", "phone"], name="owner_natural_idx")]
        verbose_name = _("业主")
        verbose_name_plural = _("业主")

    def __str__(self) -> str:
        return self.name

    @property
    def segment_codes(self) -> set[str]:
        return {tag.segment for tag in self.segment_tags.all()}


class OwnerSegment(models.Model):
    """A segment tag (钉子户, 摇摆户 …) on an owner."""

    owner = models.ForeignKey(Owner, on_delete=models.CASCADE, related_name="segment_tags")
    segment = models.CharField(_("分类"), max_length=20, choices=Segment.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "segment"], name="owner_segment_unique")]
        verbose_name = _("业主分类")
        verbose_name_plural = _("业主分类")

    def __str__(self) -> str:
        return self.get_segment_display()


class Household(models.Model):
    """A unit (房屋) billed for fees: community, building, optional unit, room."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="households")
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="households")
    unit = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20)
    floor_area = models.DecimalField(
        _("建筑面积"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    kind = models.CharField(
        _("房屋类型"), max_length=20, choices=HouseholdKind.choices, default=HouseholdKind.RESIDENCE
    )
    occupancy = models.CharField(_("入住状态"), max_length=20, choices=Occupancy.choices, default=Occupancy.OCCUPIED)
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="households", null=True, blank=True)
    on_legal_track = models.BooleanField(_("已转法务"), default=False)

    class Meta:
        ordering = ["community", "building__name", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["community", "building", "unit", "room"], name="household_natural_key")
        ]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """``楼栋-单元-房号``, or ``楼栋-房号`` when there is no unit."""
        return household_label(self.building.name, self.unit, self.room)

    @property
    def late_fee_policy(self):
        override = getattr(self, "late_fee_override", None)
        if override is not None:
            return override.policy
        return self.community.late_fee_policy


def household_label(building: str, unit: str, room: str) -> str:
    return f"{building}-{unit}-{room}" if unit else f"{building}-{room}"
