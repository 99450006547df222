from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department of the company (保安部, 保洁部, 工程部, 客服部 …)."""

    name = models.CharField(_("部门"), max_length=50, unique=True)
    head = models.ForeignKey(
        "Staff",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departments_headed",
        verbose_name=_("主管"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Seniority(models.IntegerChoices):
    FIELD = 1, _("新员工/一线")
    EXPERIENCED = 2, _("熟练")
    SUPERVISOR = 3, _("主管")


class Staff(models.Model):
    """An employee; every employee is also a collector."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff")
    seniority = models.PositiveSmallIntegerField(_("资历"), choices=Seniority.choices, default=Seniority.FIELD)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        ordering = ["department", "user__username"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工")

    def __str__(self) -> str:
        return f"{self.name}({self.user.username})"


class StaffLeave(models.Model):
    """A period a staff member is away (休假): not eligible for the split on those days."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="leaves")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=100, blank=True)

    class Meta:
        ordering = ["staff", "start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="leave_dates")
        ]
        verbose_name = _("休假")
        verbose_name_plural = _("休假")

    def __str__(self) -> str:
        return f"{self.staff} {self.start_date}–{self.end_date}"
