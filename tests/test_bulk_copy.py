"""COPY of plain rows (arrears.bulk.copy_rows): the values read back are the values written."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from arrears.bulk import _copy_text, copy_rows, copy_text, insert_rows_with_ids
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


def test_rows_from_a_generator_with_their_count():
    """The import hands its millions of rows over as a generator: each row is made while COPY takes it."""
    community = CommunityFactory()
    made = []

    def rows():
        for index in range(7):
            made.append(index)
            yield (community.pk, f"业主{index}", "person", "", "", "")

    ids = insert_rows_with_ids(
        Owner, ("community_id", "name", "kind", "phone", "phone_alt", "address"), rows(), count=7
    )

    assert made == list(range(7))
    stored = dict(Owner.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert [stored[pk] for pk in ids] == [f"业主{index}" for index in range(7)]
    with pytest.raises(ValueError):  # a count that is not the generator's is an error, not a silent truncation
        insert_rows_with_ids(Owner, ("community_id", "name", "kind", "phone", "phone_alt", "address"), rows(), count=3)


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


def test_a_batch_is_formatted_column_by_column_as_row_by_row():
    """Repeated dates and moments are formatted once per batch: the text is the same as each value's own."""
    shanghai, plus8 = ZoneInfo("Asia/Shanghai"), timezone(timedelta(hours=8))
    moments = [datetime(2026, 12, 3, 0, 0, tzinfo=UTC), datetime(2026, 12, 3, 8, 0, tzinfo=plus8)]
    rows = [
        (7, "a\tb", Decimal("1.50"), date(2026, 1, 31), moments[index % 2], None, index % 2 == 0, OwnerKind.PERSON)
        for index in range(4)
    ]
    by_row = "".join("\t".join(_copy_text(value) for value in row) + "\n" for row in rows)

    assert copy_text(rows) == by_row
    assert copy_text([(1, moments[0]), (2, moments[1].astimezone(shanghai))]) == (
        "1\t2026-12-03T00:00:00+00:00\n2\t2026-12-03T08:00:00+08:00\n"
    )
    # Equal moments in two fixed offsets are two texts (the memo is per offset), and both the same instant.
    assert copy_text([(moments[0],), (moments[1],)]) == "2026-12-03T00:00:00+00:00\n2026-12-03T08:00:00+08:00\n"
    assert copy_text([(1, None), (2, Decimal("3.00"))]) == "1\t\\N\n2\t3.00\n"
    assert copy_text([(1, UUID(int=7))]) is None  # not a plain value: the batch goes through psycopg


def test_moments_repeated_in_a_batch_round_trip():
    household = HouseholdFactory()
    fee_item = FeeItemFactory()
    moments = [datetime(2026, 12, 3, 8, 30, tzinfo=UTC), datetime(2026, 12, 4, 9, 0, tzinfo=UTC)]
    fields = ("household_id", "fee_item_id", "period_start", "period_end", "amount", "due_date", "posted_at")
    rows = [
        (
            household.pk,
            fee_item.pk,
            date(2026, m, 1),
            date(2026, m, 28),
            Decimal("300.00"),
            date(2026, m, 28),
            moments[m % 2],
        )
        for m in range(1, 13)
    ]

    copy_rows(Charge, fields, rows)

    stored = Charge.objects.filter(household=household).order_by("period_start").values_list("posted_at", flat=True)
    assert list(stored) == [moments[m % 2] for m in range(1, 13)]
