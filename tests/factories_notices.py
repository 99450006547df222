"""Households in arrears for the notices tests: monthly charges, one period paid late, an optional waiver."""

from datetime import date, timedelta
from decimal import Decimal

from arrears.models import Allocation, LateFeeWaiver
from arrears.models.ledger import PaymentStatus
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory, PaymentFactory

AS_OF = date(2026, 4, 30)


def letter_community(code: str = "HY"):
    return CommunityFactory(
        code=code,
        name="和园",
        company_name="和园物业服务有限公司",
        contact_phone="0571-88886666",
        payment_channels="物业服务中心前台(1号楼底商)\n微信/支付宝:扫右侧二维码",
        payment_qr_text="https://pay.example.cn/hy",
    )


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def household_in_arrears(
    community,
    *,
    room: str = "101",
    building: str = "3",
    unit: str = "2",
    months: int = 3,
    paid_late: bool = True,
    owner__name: str = "王小明",
    owner__kind: str = "person",
    amount: Decimal = Decimal("300.00"),
    start: tuple[int, int] = (2026, 1),
):
    """A household owing ``months`` monthly charges from ``start``; with ``paid_late``, December 2025 paid late
    (300.00 on 2026-01-20), so part of its 违约金 sits on a period no longer unpaid."""
    household = HouseholdFactory(
        community=community,
        building=BuildingFactory(community=community, name=building),
        unit=unit,
        room=room,
        owner__name=owner__name,
        owner__kind=owner__kind,
        owner__community=community,
    )
    if paid_late:
        december = ChargeFactory(
            household=household,
            amount=amount,
            period_start=date(2025, 12, 1),
            period_end=date(2025, 12, 31),
            due_date=date(2025, 12, 31),
        )
    year, month = start
    for _n in range(months):
        end = month_end(year, month)
        ChargeFactory(household=household, amount=amount, period_start=end.replace(day=1), period_end=end, due_date=end)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if paid_late:
        # A verified payment with its allocation, written directly (as the ledger import does).
        payment = PaymentFactory(
            household=household, paid_on=date(2026, 1, 20), amount=amount, status=PaymentStatus.VERIFIED
        )
        Allocation.objects.create(payment=payment, charge=december, amount=amount, applied_on=payment.paid_on)
    return household


def waive(household, amount: Decimal, user, on: date = date(2026, 4, 1)):
    return LateFeeWaiver.objects.create(
        household=household, amount=amount, waived_on=on, reason="配合缴费", approved_by=user
    )


def qr_modules(data_uri: str) -> list[list[bool]]:
    """The dark modules of a letter's QR image (a PNG data URI of one pixel a module), quiet zone left out."""
    import base64
    import io

    from PIL import Image

    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix), data_uri[:40]
    image = Image.open(io.BytesIO(base64.b64decode(data_uri[len(prefix) :]))).convert("L")
    width, height = image.size
    pixels = image.load()
    return [[pixels[x, y] < 128 for x in range(2, width - 2)] for y in range(2, height - 2)]


def qr_modules_of(text: str) -> list[list[bool]]:
    """The dark modules of ``text``'s QR code at the letters' error correction level, for comparison."""
    import segno

    return [[bool(module) for module in row] for row in segno.make(text, error="m").matrix]
