"""A small ledger whose dashboard figures are worked out by hand in the dashboard tests, and an HTML table reader.

As of 2026-03-31 (year 2026), community HY, target 80%, 违约金 0.0005 a day, no grace:

- 1-1-101 (A): 300.00 due 2025-12-31, 2026-01-31, 2026-02-28, 2026-03-31; pays 300.00 on 01-15 (→ 2025-12)
  and 300.00 on 02-10 (→ 2026-01).
- 1-1-102 (B): 200.00 due 2026-01-31, 02-28, 03-31; pays 400.00 on 03-05 (→ January and February).
- 2-1-201 (C): 500.00 due 2025-06-30, 100.00 due 2026-01-31 and 2026-04-30; pays 200.00 on 03-10 (→ 2025-06).

Staff X (department 一部) and Y (二部); campaign assignments and contacts in March 2026 (see ``hand_league``).
"""

from datetime import date, datetime, time
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import timezone

from arrears.models import Payment
from arrears.services.payments import payment_verify
from assignments.models import Assignment, Campaign, Contact, Outcome
from tests.factories import (
    BuildingFactory,
    ChargeFactory,
    CommunityFactory,
    DepartmentFactory,
    HouseholdFactory,
    PaymentFactory,
    StaffFactory,
    UserFactory,
)

AS_OF = date(2026, 3, 31)


def _charge(household, amount: str, due: date):
    start = due.replace(day=1)
    return ChargeFactory(household=household, amount=Decimal(amount), due_date=due, period_start=start, period_end=due)


def _pay(household, amount: str, paid_on: date, verifier):
    payment = PaymentFactory(household=household, amount=Decimal(amount), paid_on=paid_on)
    payment = payment_verify(payment_id=payment.pk, verified_by=verifier)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.make_aware(datetime.combine(paid_on, time(12))))
    return payment


def hand_ledger() -> dict:
    community = CommunityFactory(code="HY", annual_target=Decimal("0.8000"))
    one = BuildingFactory(community=community, name="1")
    two = BuildingFactory(community=community, name="2")
    a = HouseholdFactory(community=community, building=one, unit="1", room="101")
    b = HouseholdFactory(community=community, building=one, unit="1", room="102")
    c = HouseholdFactory(community=community, building=two, unit="1", room="201")
    for due in (date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)):
        _charge(a, "300.00", due)
    for due in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)):
        _charge(b, "200.00", due)
    _charge(c, "500.00", date(2025, 6, 30))
    _charge(c, "100.00", date(2026, 1, 31))
    _charge(c, "100.00", date(2026, 4, 30))
    verifier = UserFactory(roles=["finance"])
    _pay(a, "300.00", date(2026, 1, 15), verifier)
    _pay(a, "300.00", date(2026, 2, 10), verifier)
    _pay(b, "400.00", date(2026, 3, 5), verifier)
    _pay(c, "200.00", date(2026, 3, 10), verifier)
    return {"community": community, "a": a, "b": b, "c": c}


def _contact(household, staff, day: date, outcome: str, **fields) -> Contact:
    contact = Contact.objects.create(household=household, staff=staff, channel="visit", outcome=outcome, **fields)
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    Contact.objects.filter(pk=contact.pk).update(created_at=noon)
    return contact


def hand_league(ledger: dict) -> dict:
    """X holds A on 03-01..03-03 and B on 03-05; Y holds C on 03-10 and A on 03-20. Contacts:

    X: A 03-02 promise 300.00 by 03-05 (broken), B 03-03 promise by 03-04 without amount (kept: B pays on 03-05,
    the day of grace, and is clear), A 03-20 no answer. Y: C 03-09 promise 150.00 by 03-10 (kept), C 03-26 refused
    (工程遗留问题), A 03-30 disputed (收费起始日期有异议).
    """
    a, b, c = ledger["a"], ledger["b"], ledger["c"]
    x = StaffFactory(name="员工X", department=DepartmentFactory(name="一部"), user__username="x")
    y = StaffFactory(name="员工Y", department=DepartmentFactory(name="二部"), user__username="y")
    campaign = Campaign.objects.create(name="三月行动", start_date=date(2026, 3, 1), end_date=date(2026, 3, 31))
    campaign.communities.add(ledger["community"])
    for staff, household, day in (
        (x, a, date(2026, 3, 1)),
        (x, a, date(2026, 3, 2)),
        (x, a, date(2026, 3, 3)),
        (x, b, date(2026, 3, 5)),
        (y, c, date(2026, 3, 10)),
        (y, a, date(2026, 3, 20)),
    ):
        Assignment.objects.create(campaign=campaign, staff=staff, household=household, day=day)
    _contact(a, x, date(2026, 3, 2), Outcome.PROMISED, promised_date=date(2026, 3, 5), promised_amount=Decimal("300"))
    _contact(b, x, date(2026, 3, 3), Outcome.PROMISED, promised_date=date(2026, 3, 4))
    _contact(a, x, date(2026, 3, 20), Outcome.NO_ANSWER, reached=False)
    _contact(c, y, date(2026, 3, 9), Outcome.PROMISED, promised_date=date(2026, 3, 10), promised_amount=Decimal("150"))
    _contact(c, y, date(2026, 3, 26), Outcome.REFUSED, objection="construction_defect")
    _contact(a, y, date(2026, 3, 30), Outcome.DISPUTED, objection="start_date")
    return {"x": x, "y": y, "campaign": campaign}


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: dict[str, str] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._figure = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        for name in ("data-figure", "data-activity"):
            if name in attrs:
                self._figure = attrs[name]
                self.figures[self._figure] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self._figure and tag in ("td", "strong"):
            self._figure = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._figure:
            self.figures[self._figure] += data.strip()


def read_page(html: str) -> tuple[dict[str, list[list[str]]], dict[str, str]]:
    """({table id: rows of cell texts}, {data-figure / data-activity name: text})."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.figures
