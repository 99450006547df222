"""The dashboard's JSON endpoints: the same figures as arrears_report, the same permissions and filters as the page."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from arrears.models import Community
from arrears.reports import arrears_report
from dashboard.api import PARTS
from dashboard.tasks import refresh_snapshots
from demo.seed import demo_seed
from tests.factories import StaffFactory, UserFactory
from tests.factories_dashboard import AS_OF, hand_league, hand_ledger

REPORT_TOTALS = ("principal", "late_fee", "total", "households_in_arrears")


@pytest.fixture
def ledger(db):
    data = hand_ledger()
    data.update(hand_league(data))
    return data


@pytest.fixture
def manager_client(client, db):
    client.force_login(UserFactory(roles=["manager"]))
    return client


def _get(client, part, **params):
    response = client.get(f"/dashboard/api/{part}/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("snapshot", [False, True], ids=["on the spot", "snapshot"])
def test_rates_and_totals_equal_arrears_report(manager_client, ledger, snapshot):
    if snapshot:
        refresh_snapshots(AS_OF.isoformat())
    summary = _get(manager_client, "summary", end="2026-03-31")
    report = arrears_report(ledger["community"], AS_OF)
    assert summary["rates"] == report["rates"]
    assert {k: summary["totals"][k] for k in REPORT_TOTALS} == report["totals"]
    assert summary["live"] is not snapshot
    # And the hand-computed values, so both cannot be wrong together.
    assert summary["rates"]["collection_rate"] == "0.4375"
    assert summary["totals"] == {
        "principal": "700.00",
        "late_fee": "77.35",
        "total": "777.35",
        "households_in_arrears": 2,
    }


@pytest.mark.parametrize("snapshot", [False, True], ids=["on the spot", "snapshot"])
def test_demo_ledger_equals_arrears_report_and_the_parts_add_up(manager_client, db, snapshot):
    today = timezone.localdate()
    demo_seed(households=60, staff=7, today=today)
    if snapshot:
        refresh_snapshots()
    community = Community.objects.get()
    report = arrears_report(community, today)
    summary = _get(manager_client, "summary")
    assert summary["as_of"] == today.isoformat()
    assert summary["rates"] == report["rates"]
    assert {k: summary["totals"][k] for k in REPORT_TOTALS} == report["totals"]
    series = _get(manager_client, "series")
    assert series["collected"][-1] == report["rates"]["current_collected"]
    assert series["due"][-1] == report["rates"]["current_due"]
    aging = _get(manager_client, "aging")
    assert aging["total"] == report["totals"]["principal"]
    assert sum(Decimal(b["principal"]) for b in aging["buckets"]) == Decimal(report["totals"]["principal"])
    buildings = _get(manager_client, "buildings")["buildings"]
    assert sum(Decimal(b["principal"]) for b in buildings) == Decimal(report["totals"]["principal"])
    assert sum(b["households"] for b in buildings) == report["totals"]["households_in_arrears"]


def test_series_json_by_hand(manager_client, ledger):
    series = _get(manager_client, "series", end="2026-03-31")
    assert series["days"][0] == "2026-01-01" and series["days"][-1] == "2026-03-31" and len(series["days"]) == 90
    by_day = dict(zip(series["days"], series["collected"], strict=True))
    assert (by_day["2026-02-09"], by_day["2026-02-10"], by_day["2026-03-05"]) == ("0.00", "300.00", "700.00")
    assert series["target_line"][-1] == "335.34"
    assert series["rate"][-1] == "0.4375"
    assert series["projection"] == "4366.67" and series["needed_per_day"] == "2.40"


def test_league_json_by_hand(manager_client, ledger):
    league = _get(manager_client, "league", start="2026-03-01", end="2026-03-31")
    rows = {row["name"]: {k: v for k, v in row.items() if k not in ("id", "name")} for row in league["staff"]}
    assert rows == {
        "员工X": {
            "department": "一部",
            "assigned": 2,
            "contacted_7d": 0,
            "promises": 2,
            "kept": 1,
            "cleared": 1,
            "collected": "400.00",
        },
        "员工Y": {
            "department": "二部",
            "assigned": 2,
            "contacted_7d": 2,
            "promises": 1,
            "kept": 1,
            "cleared": 0,
            "collected": "200.00",
        },
    }
    assert [d["name"] for d in league["departments"]] == ["一部", "二部"]


def test_a_promise_kept_only_after_the_range_ends_is_not_kept_yet(manager_client, ledger):
    # Judged as of 03-04, B's promise (by 03-04, paid 03-05) is still pending and B was not X's yet.
    league = _get(manager_client, "league", start="2026-03-01", end="2026-03-04")
    (x,) = league["staff"]
    assert (x["name"], x["assigned"], x["promises"], x["kept"], x["cleared"]) == ("员工X", 1, 2, 0, 0)


def test_objections_json(manager_client, ledger):
    objections = _get(manager_client, "objections", start="2026-03-01", end="2026-03-31")
    totals = {c["code"]: c["total"] for c in objections["categories"] if c["total"]}
    assert totals == {"construction_defect": 1, "start_date": 1}
    assert [w["week"] for w in objections["weeks"]] == ["2026-03-23", "2026-03-30"]


def test_supervisor_gets_only_their_departments_league(client, ledger):
    supervisor = StaffFactory(department=ledger["y"].department, user__roles=["supervisor"])
    client.force_login(supervisor.user)
    league = _get(client, "league", start="2026-03-01", end="2026-03-31")
    assert [row["name"] for row in league["staff"]] == ["员工Y"]
    assert [row["name"] for row in league["departments"]] == ["二部"]


@pytest.mark.parametrize("part", sorted(PARTS))
@pytest.mark.parametrize("role", ["staff", "finance", "service", "legal"])
def test_other_roles_get_403_from_every_endpoint(client, db, part, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(f"/dashboard/api/{part}/").status_code == 403


def test_unknown_part_is_404_and_bad_filters_400(manager_client, db):
    assert manager_client.get("/dashboard/api/nothing/").status_code == 404
    response = manager_client.get("/dashboard/api/summary/", {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 400
    assert response.json()["errors"]["start"][0]["message"] == "开始日期不能晚于截至日期"


def test_activity_json(manager_client, ledger):
    activity = _get(manager_client, "activity", end="2026-03-31")
    assert activity == {
        "day": timezone.localdate().isoformat(),
        "contacts": 0,
        "households": 0,
        "promises": 0,
        "paid_contacts": 0,
        "payments": 0,
        "payments_amount": "0.00",
        "issues": 0,
    }


def test_several_communities_add_up(manager_client, ledger):
    from tests.factories import ChargeFactory, CommunityFactory, HouseholdFactory

    other = CommunityFactory(code="ZZ", annual_target=Decimal("0.9000"))
    ChargeFactory(household=HouseholdFactory(community=other), amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    summary = _get(manager_client, "summary", end="2026-03-31")
    assert summary["rates"]["current_due"] == "1900.00"
    assert summary["rates"]["collection_rate"] == "0.3684"  # 700 / 1900
    assert summary["communities"] == ["HY", "ZZ"]
    # The target weighted by each community's 全年应收: (0.8 × 1700 + 0.9 × 300) / 2000.
    assert summary["target"] == "0.8150"
