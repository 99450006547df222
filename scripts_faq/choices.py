"""Objection categories (拒缴理由), shared by contacts and the FAQ answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectionCategory(models.TextChoices):
    CONSTRUCTION_DEFECT = "construction_defect", _("工程遗留问题")
    THEFT_DAMAGE = "theft_damage", _("财物被盗/车辆受损")
    VACANT = "vacant", _("未入住/空置")
    SERVICE_QUALITY = "service_quality", _("服务态度/服务不到位")
    UTILITY_OUTAGE = "utility_outage", _("停水停电")
    FACILITIES = "facilities", _("配套设施不完善")
    START_DATE = "start_date", _("收费起始日期有异议")
    NO_REASON = "no_reason", _("无理由拒交")
    OTHER = "other", _("其他")
