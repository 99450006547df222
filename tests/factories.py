"""factory_boy factories for the ledger and the staff."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from arrears.models import Building, Charge, Community, FeeItem, Household, Owner, Payment
from arrears.models.ledger import PaymentChannel
from assignments.models import Department, Staff


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"测试小区{n}")
    company_name = "测试物业服务有限公司"
    late_fee_daily_rate = Decimal("0.0005")
    late_fee_grace_days = 0
    late_fee_cap_ratio = None


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building
        django_get_or_create = ("community", "name")

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: str(n + 1))


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"张三{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    community = factory.SubFactory(CommunityFactory)
    building = factory.SubFactory(BuildingFactory, community=factory.SelfAttribute("..community"))
    unit = "1"
    room = factory.Sequence(lambda n: f"{101 + n}")
    floor_area = Decimal("100.00")
    owner = factory.SubFactory(OwnerFactory, community=factory.SelfAttribute("..community"))


class FeeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeItem
        django_get_or_create = ("name",)

    name = "物业费"


class ChargeFactory(factory.django.DjangoModelFactory):
    """A charge written directly (no credit applied); use charge_post to test the service."""

    class Meta:
        model = Charge

    household = factory.SubFactory(HouseholdFactory)
    fee_item = factory.SubFactory(FeeItemFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 1, 31)
    amount = Decimal("300.00")
    due_date = date(2026, 1, 31)


class PaymentFactory(factory.django.DjangoModelFactory):
    """A pending payment; verify it with payment_verify."""

    class Meta:
        model = Payment

    household = factory.SubFactory(HouseholdFactory)
    community = factory.SelfAttribute("household.community")
    paid_on = date(2026, 3, 2)
    amount = Decimal("100.00")
    channel = PaymentChannel.CASH


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()  # keeps the password set above
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"部门{n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory, roles=["staff"])
    name = factory.Sequence(lambda n: f"员工{n}")
    department = factory.SubFactory(DepartmentFactory)
