"""COPY of plain rows (arrears.bulk.copy_rows): the values read back are the values written."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from arrears.bulk import copy_rows, insert_rows_with_ids
from arrears.models import Charge, Household, Owner
from arrears.models.households import OwnerKind
from tests.factories import CommunityFactory, FeeItemFactory, HouseholdFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's"),
]


def test_text_that_looks_like_copy_syntax_is_stored_as_it_is():
    community = CommunityFactory()
    names = ["a\tb", "line\nbreak\r", "back\\slash", "\\N", "", "张三 ", "NULL"]
    rows = [(community.pk, name, "person", "138", "", "addr") for name in names]
    # A choice is stored as its value; a UUID is not a plain value: its row goes through psycopg, between the others.
    rows.insert(3, (community.pk, "enum", OwnerKind.ORGANISATION, "", "", ""))
    rows.insert(5, (community.pk, "uuid", "person", "", "", UUID(int=7)))

    ids = insert_rows_with_ids(Owner, ("community_id", "name", "kind", "phone", "phone_alt", "address"), rows)

    stored = dict(Owner.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [stored[pk] for pk in ids] == [row[1] for row in rows]
    assert Owner.objects.get(name="enum").kind == OwnerKind.ORGANISATION
    assert UUID(Owner.objects.get(name="uuid").address) == UUID(int=7)


def test_numbers_dates_booleans_and_null_round_trip():
    household = HouseholdFactory()
    moment = datetime(2026, 12, 3, 8, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    fields = ("community_id", "building_id", "unit", "room", "floor_area", "kind", "occupancy", "owner_id")
    rows = [
        (household.community_id, household.building_id, "1", "9901", Decimal("89.50"), "residence", "vacant", None),
        (household.community_id, household.building_id, "1", "9902", Decimal("1E+1"), "residence", "vacant", None),
    ]

    copy_rows(
        Household, (*fields, "on_legal_track"), [(*row, value) for row, value in zip(rows, (True, False), strict=True)]
    )

    got = Household.objects.filter(room__in=("9901", "9902")).order_by("room")
    assert [(h.floor_area, h.owner_id, h.on_legal_track) for h in got] == [
        (Decimal("89.50"), None, True),
        (Decimal("10.00"), None, False),
    ]
    fee_item = FeeItemFactory()
    charge_fields = ("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at")
    copy_rows(
        Charge,
        charge_fields,
        [(household.pk, fee_item.pk, date(2026, 2, 1), date(2026, 2, 28), 300, date(2026, 2, 28), moment)],
    )

    charge = Charge.objects.get(household=household)
    assert (charge.period_start, charge.due_date, charge.amount) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        Decimal("300.00"),
    )
    assert charge.posted_at == moment
