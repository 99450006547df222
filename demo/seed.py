"""Demo data: one estate with a realistic ledger and the seed's company of 58, made from a seed and a date.

The same seed and ``today`` always give the same data (ids and timestamps aside). Generation is pure
(``layout``, ``behaviour``, ``names``); ``ledger`` and ``staff`` write it in bulk.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from arrears.models import Community, FeeItem, Household

from .behaviour import DELINQUENT_MIX, PAYING_MIX, month_window, shares
from .layout import plan_layout
from .ledger import Estate, receipt_starts, write_buildings, write_households, write_receipt_counters
from .staff import DEMO_PASSWORD, SEED_STAFF, Login, create_staff, existing_logins

DEFAULT_HOUSEHOLDS = 2000
DELINQUENT_SHARE = Decimal("0.3")  # the seed's 600 of about 2,000
DEFAULT_SEED = 1
MONTHS = 24
FEE_ITEM = "物业费"

# The late-fee policy: 万分之五 a day is the usual contract term. Charges fall due on the last day of their
# month; 15 days' grace spares the owner who pays a few days late. The cap of 0.3 × the charge follows the
# courts, which cut a 违约金 more than 30% above the loss: it bites after 600 days, on the 钉子户 only.
COMMUNITY = {
    "code": "CHY",
    "name": "翠湖园",
    "company_name": "苏州翠湖物业服务有限公司",
    "late_fee_daily_rate": Decimal("0.000500"),
    "late_fee_grace_days": 15,
    "late_fee_cap_ratio": Decimal("0.3000"),
    "annual_target": Decimal("0.8000"),
    # What the letters print under 缴费方式 and in their QR code.
    "contact_phone": "0512-6666 8888",
    "payment_channels": (
        "物业服务中心前台:翠湖园 1 号楼底商,每日 8:30–17:30\n"
        "银行转账:苏州翠湖物业服务有限公司 中国工商银行 1102 0000 0000 0000 000\n"
        "微信 / 支付宝:扫描右侧二维码,备注房号"
    ),
    "payment_qr_text": "翠湖园物业服务中心 缴费咨询 0512-6666 8888",
}


@dataclass(frozen=True)
class DemoSummary:
    """What ``demo_seed`` made."""

    community: str
    today: date
    households: int
    delinquent: int
    charges: int
    payments: int
    allocations: int
    staff: int
    logins: list[Login]
    numbered_logins: int
    password: str


def default_delinquent(households: int) -> int:
    return int((households * DELINQUENT_SHARE).to_integral_value())


def demo_has_data() -> bool:
    """Whether the database already holds households, the demo community or a demo login."""
    return (
        Household.objects.exists()
        or Community.objects.filter(code=COMMUNITY["code"]).exists()
        or bool(existing_logins())
    )


@transaction.atomic
def demo_seed(
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    delinquent: int | None = None,
    staff: int = SEED_STAFF,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary | None:
    """Create the demo estate, ledger and staff; None (and no change) when the database already has data."""
    delinquent = default_delinquent(households) if delinquent is None else delinquent
    if households < 1 or not 0 <= delinquent <= households:
        raise ValueError("need households ≥ 1 and 0 ≤ delinquent ≤ households")
    today = today or timezone.localdate()
    if demo_has_data():
        return None
    rng = random.Random(seed)
    building_names, spots = plan_layout(households, rng)
    profiles = [rng.choices(*zip(*PAYING_MIX, strict=True))[0] for _spot in spots]
    delinquent_profiles = [name for name, count in shares(delinquent, DELINQUENT_MIX) for _ in range(count)]
    rng.shuffle(delinquent_profiles)
    for index, profile in zip(sorted(rng.sample(range(households), delinquent)), delinquent_profiles, strict=True):
        profiles[index] = profile

    people = create_staff(total=staff, rng=random.Random(f"{seed}:staff"))
    community = Community.objects.create(**COMMUNITY)
    estate = Estate(
        community=community,
        fee_item=FeeItem.objects.get_or_create(name=FEE_ITEM)[0],
        spots=spots,
        profiles=profiles,
        months=month_window(today, MONTHS),
        today=today,
        seed=seed,
    )
    starts = receipt_starts(estate)
    written, issued = write_households(estate, people, write_buildings(community, building_names), starts, progress)
    write_receipt_counters(community, starts, issued)
    return DemoSummary(
        community=community.code,
        today=today,
        households=written.households,
        delinquent=delinquent,
        charges=written.charges,
        payments=written.payments,
        allocations=written.allocations,
        staff=people.count,
        logins=people.logins,
        numbered_logins=people.numbered,
        password=DEMO_PASSWORD,
    )
