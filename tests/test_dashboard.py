"""The dashboard page: every figure against a ledger worked out by hand (tests/factories_dashboard.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from arrears.models import Payment
from assignments.models import Contact, IssueRaised, Outcome
from dashboard import figures
from dashboard.models import DashboardSnapshot
from dashboard.tasks import refresh_snapshots
from tests.factories import DepartmentFactory, StaffFactory, UserFactory
from tests.factories_dashboard import AS_OF, hand_league, hand_ledger, read_page

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
YEAR = {"end": "2026-03-31"}


# Pure ------------------------------------------------------------------------------------------------------------


def test_aging_due_today_is_not_overdue():
    assert figures.aging_bucket(date(2026, 3, 31), date(2026, 3, 31)) is None


def test_aging_bucket_edges():
    as_of = date(2026, 3, 31)
    days = lambda n: as_of - timedelta(days=n)  # noqa: E731
    expected = {1: 0, 30: 0, 31: 1, 90: 1, 91: 2, 180: 2, 181: 3, 365: 3, 366: 4, 730: 4, 731: 5, 1095: 5, 1096: 6}
    assert {n: figures.aging_bucket(days(n), as_of) for n in expected} == expected


def test_cumulative_target_projection_and_needed():
    increments = {date(2026, 2, 10): Decimal("300.00"), date(2026, 3, 5): Decimal("400.00")}
    series = dict(figures.cumulative(increments, date(2026, 1, 1), date(2026, 3, 31)))
    assert series[date(2026, 2, 9)] == Decimal("0.00")
    assert series[date(2026, 2, 10)] == Decimal("300.00")
    assert series[date(2026, 3, 31)] == Decimal("700.00")
    # Run rate: (700 − 300 on 03-01) / 30; 275 days left after 03-31.
    assert figures.run_rate(series, date(2026, 3, 31)) == Decimal("400") / 30
    assert figures.projection(series, date(2026, 3, 31)) == Decimal("4366.67")
    # 0.8 × 1700 − 700 = 660 over 275 days.
    assert figures.needed_per_day(
        collected=Decimal("700.00"), target=Decimal("0.8"), year_due=Decimal("1700.00"), as_of=date(2026, 3, 31)
    ) == Decimal("2.40")
    assert (
        figures.needed_per_day(
            collected=Decimal("0"), target=Decimal("0.8"), year_due=Decimal("1"), as_of=date(2026, 12, 31)
        )
        is None
    )
    # Early January: the run rate is over the days elapsed.
    assert figures.run_rate({date(2026, 1, 2): Decimal("10")}, date(2026, 1, 2)) == Decimal("5")


# The page --------------------------------------------------------------------------------------------------------


@pytest.fixture
def ledger(db):
    data = hand_ledger()
    data.update(hand_league(data))
    return data


@pytest.fixture
def manager_client(client, db):
    client.force_login(UserFactory(roles=["manager"]))
    return client


def _page(client, params):
    response = client.get("/dashboard/", params)
    assert response.status_code == 200
    return response, *read_page(response.content.decode())


def test_rates_totals_and_late_fee_by_hand(manager_client, ledger):
    response, tables, shown = _page(manager_client, MARCH)
    assert shown["current_due"] == "1,600.00"  # A 900 + B 600 + C 100 due 01-01..03-31
    assert shown["current_collected"] == "700.00"  # A 300 (02-10 → Jan) + B 400
    assert shown["arrears_at_year_start"] == "800.00"  # A 300 + C 500
    assert shown["arrears_recovered"] == "500.00"  # A 300 + C 200
    assert shown["households_with_due"] == "3"
    assert shown["households_clear"] == "1"  # B
    assert shown["principal"] == "700.00"  # A 300 + C 400
    assert shown["households_in_arrears"] == "2"
    # 违约金: A 2.10 + 1.35 + 4.65; C 63.00 + 3.30 + 2.95.
    assert shown["late_fee"] == "77.35"
    html = response.content.decode()
    assert "43.75%" in html  # 收费率 700 / 1600
    assert "62.5%" in html  # 清欠率 500 / 800
    assert "50%" in html  # 综合 1200 / 2400
    assert "33.33%" in html  # 户收费率 1 / 3
    assert "尚无快照" in html


def test_series_target_projection_by_hand(manager_client, ledger):
    _response, tables, shown = _page(manager_client, MARCH)
    assert shown["year_target"] == "1,700.00 × 80%"  # 全年应收 includes C's April charge
    assert shown["target_to_date"] == "335.34"  # 0.8 × 1700 × 90 / 365
    assert shown["projection"] == "4,366.67"
    assert shown["needed_per_day"] == "2.40"
    assert tables["table-series"][1:] == [
        ["2026-01-31", "0.00", "115.51", "600.00", "0%"],  # 1360 × 31 / 365 = 115.507
        ["2026-02-28", "300.00", "219.84", "1,100.00", "27.27%"],  # 1360 × 59 / 365 = 219.836
        ["2026-03-31", "700.00", "335.34", "1,600.00", "43.75%"],
    ]


def test_aging_and_buildings_by_hand(manager_client, ledger):
    _response, tables, _shown = _page(manager_client, MARCH)
    assert tables["table-aging"][1:] == [
        ["≤30天", "0.00"],
        ["31–90天", "400.00"],  # A 02-28 (31 days), C 01-31 (59 days)
        ["91–180天", "0.00"],
        ["181–365天", "300.00"],  # C 2025-06-30 (274 days), 300 left
        ["1–2年", "0.00"],
        ["2–3年", "0.00"],
        ["3年以上", "0.00"],
        ["合计", "700.00"],
    ]
    # Most arrears first, as in the chart.
    assert tables["table-buildings"][1:] == [["2", "400.00", "1"], ["1", "300.00", "1"]]


def test_staff_and_department_league_by_hand(manager_client, ledger):
    _response, tables, _shown = _page(manager_client, MARCH)
    # name, department, assigned, contacted in the last 7 days, promises, kept, cleared, collected while assigned
    assert tables["table-staff"][1:] == [
        ["员工X", "一部", "2", "0", "2", "1", "1", "400.00"],  # B's 400 on 03-05, the day X held B
        ["员工Y", "二部", "2", "2", "1", "1", "0", "200.00"],  # C's 200 on 03-10
    ]
    assert tables["table-departments"][1:] == [
        ["一部", "2", "0", "2", "1", "1", "400.00"],
        ["二部", "2", "2", "1", "1", "0", "200.00"],
    ]


def test_a_household_held_by_two_people_of_a_department_counts_once_for_it(manager_client, ledger):
    ledger["y"].department = ledger["x"].department
    ledger["y"].save()
    _response, tables, _shown = _page(manager_client, MARCH)
    # A was X's and Y's: the department held A, B and C.
    assert tables["table-departments"][1:] == [["一部", "3", "2", "3", "2", "1", "600.00"]]


def test_league_range_outside_the_campaign_is_empty(manager_client, ledger):
    _response, tables, _shown = _page(manager_client, {"start": "2026-02-01", "end": "2026-02-28"})
    assert tables["table-staff"][1:] == [["所选范围内没有分包"]]


def test_objections_by_week(manager_client, ledger):
    _response, tables, _shown = _page(manager_client, MARCH)
    header, *weeks, total = tables["table-objections"]
    assert header[1] == "工程遗留问题" and header[7] == "收费起始日期有异议"
    assert weeks == [
        ["2026-03-23", "1", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["2026-03-30", "0", "0", "0", "0", "0", "0", "1", "0", "0"],
    ]
    assert total == ["合计", "1", "0", "0", "0", "0", "0", "1", "0", "0"]


def test_todays_activity(manager_client, ledger):
    today = timezone.localdate()
    Contact.objects.create(
        household=ledger["b"],
        staff=ledger["x"],
        channel="phone",
        outcome=Outcome.PROMISED,
        promised_date=today + timedelta(days=2),
    )
    Contact.objects.create(household=ledger["c"], staff=ledger["y"], channel="visit", outcome=Outcome.NO_ANSWER)
    Payment.objects.create(
        community=ledger["community"],
        household=ledger["a"],
        amount=Decimal("120.00"),
        paid_on=today,
        channel="cash",
        collected_by=ledger["x"].user,
    )
    IssueRaised.objects.create(
        household=ledger["c"],
        raised_by=ledger["y"],
        department=ledger["y"].department,
        description="漏水",
        deadline=today + timedelta(days=3),
    )
    _response, _tables, shown = _page(manager_client, MARCH)
    assert {k: shown[k] for k in ("contacts", "households", "promises", "payments", "payments_amount", "issues")} == {
        "contacts": "2",
        "households": "2",
        "promises": "1",
        "payments": "1",  # the ledger's payments were recorded on their own days
        "payments_amount": "120.00",
        "issues": "1",
    }


# Snapshots -------------------------------------------------------------------------------------------------------


def test_the_page_reads_the_snapshot_and_shows_its_time(manager_client, ledger):
    call_command("refresh_dashboard", "--date", "2026-03-31")
    snapshot = DashboardSnapshot.objects.get()
    assert snapshot.as_of == AS_OF
    # The snapshot is what the page shows: change it and the page follows.
    snapshot.data["totals"]["principal"] = "1.00"
    snapshot.save()
    response, tables, shown = _page(manager_client, YEAR)
    html = response.content.decode()
    assert "数据截至" in html and "尚无快照" not in html
    assert timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M") in html
    assert shown["principal"] == "1.00"
    assert shown["current_collected"] == "700.00"


def test_snapshot_figures_equal_those_computed_on_the_spot(manager_client, ledger):
    _response, live_tables, live_shown = _page(manager_client, YEAR)
    refresh_snapshots("2026-03-31")
    _response, tables, shown = _page(manager_client, YEAR)
    assert shown == live_shown
    for name in ("table-series", "table-aging", "table-buildings", "table-staff", "table-departments"):
        assert tables[name] == live_tables[name]
    assert tables["table-staff"][1] == ["员工X", "一部", "2", "0", "2", "1", "1", "400.00"]


def test_refresh_twice_keeps_one_snapshot_a_day(ledger):
    refresh_snapshots("2026-03-31")
    refresh_snapshots("2026-03-31")
    refresh_snapshots("2026-03-30")
    assert sorted(DashboardSnapshot.objects.values_list("as_of", flat=True)) == [date(2026, 3, 30), AS_OF]


def test_refresh_command_rejects_bad_input(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("refresh_dashboard", "--date", "2026-13-01")
    with pytest.raises(CommandError, match="未知的小区编码"):
        call_command("refresh_dashboard", "--community", "NOPE")


def test_page_query_count_with_a_snapshot(manager_client, ledger, django_assert_max_num_queries):
    refresh_snapshots("2026-03-31")
    with django_assert_max_num_queries(15):
        manager_client.get("/dashboard/", YEAR)
    refresh_snapshots()  # today, what the default page looks for
    with django_assert_max_num_queries(15):
        response = manager_client.get("/dashboard/")
    assert "数据截至" in response.content.decode()


def test_supervisor_page_query_count_with_a_snapshot(client, ledger, django_assert_max_num_queries):
    refresh_snapshots("2026-03-31")
    supervisor = StaffFactory(department=ledger["x"].department, user__roles=["supervisor", "staff"])
    client.force_login(supervisor.user)
    with django_assert_max_num_queries(15):
        client.get("/dashboard/", YEAR)


# Access ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "finance", "service", "legal"])
def test_other_roles_get_403(client, db, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get("/dashboard/").status_code == 403


def test_anonymous_goes_to_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_supervisor_sees_only_their_departments_league_and_activity(client, ledger):
    supervisor = StaffFactory(department=ledger["x"].department, user__roles=["supervisor", "staff"])
    Contact.objects.create(household=ledger["c"], staff=ledger["y"], channel="visit", outcome=Outcome.NO_ANSWER)
    client.force_login(supervisor.user)
    response, tables, shown = _page(client, MARCH)
    assert tables["table-staff"][1:] == [["员工X", "一部", "2", "0", "2", "1", "1", "400.00"]]
    assert tables["table-departments"][1:] == [["一部", "2", "0", "2", "1", "1", "400.00"]]
    assert shown["contacts"] == "0"  # Y's contact today is another department's
    assert shown["current_collected"] == "700.00"  # the rates are the community's
    assert "只显示您所管部门的员工" in response.content.decode()


def test_department_head_without_the_role_flag_sees_their_department(client, ledger):
    head = StaffFactory(department=DepartmentFactory(name="三部"), user__roles=["supervisor"])
    ledger["y"].department.head = head
    ledger["y"].department.save()
    client.force_login(head.user)
    _response, tables, _shown = _page(client, MARCH)
    # Their own department (三部, nobody in the league) and the one they head (二部).
    assert [row[0] for row in tables["table-staff"][1:]] == ["员工Y"]


def test_filters_validate(manager_client, ledger):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = manager_client.get("/dashboard/", {"end": tomorrow})
    assert response.status_code == 200
    assert "截至日期不能晚于今天" in response.content.decode()
    response = manager_client.get("/dashboard/", {"start": "2026-04-01", "end": "2026-03-31"})
    assert "开始日期不能晚于截至日期" in response.content.decode()


def test_community_filter(manager_client, ledger):
    from tests.factories import ChargeFactory, CommunityFactory, HouseholdFactory

    other = CommunityFactory(code="ZZ")
    ChargeFactory(household=HouseholdFactory(community=other), amount=Decimal("50.00"), due_date=date(2026, 1, 31))
    _response, _tables, everything = _page(manager_client, MARCH)
    assert everything["current_due"] == "1,650.00"
    assert everything["principal"] == "750.00"
    _response, _tables, only = _page(manager_client, {**MARCH, "community": ledger["community"].pk})
    assert only["current_due"] == "1,600.00"
    assert only["principal"] == "700.00"


def test_navigation_and_home_card(client, db):
    client.force_login(UserFactory(roles=["manager"]))
    assert 'href="/dashboard/"' in client.get("/").content.decode()
    client.force_login(UserFactory(roles=["staff"]))
    assert 'href="/dashboard/"' not in client.get("/").content.decode()


def test_long_tables_show_the_top_rows_unless_all_are_asked_for(manager_client, ledger, monkeypatch):
    monkeypatch.setattr("dashboard.views.SHOWN_ROWS", 1)
    response, tables, _shown = _page(manager_client, MARCH)
    assert tables["table-staff"][1:] == [["员工X", "一部", "2", "0", "2", "1", "1", "400.00"]]
    assert tables["table-buildings"][1:] == [["2", "400.00", "1"]]
    assert "共 2 人,按负责期间收款显示前 1 名" in response.content.decode()
    _response, tables, _shown = _page(manager_client, {**MARCH, "rows": "all"})
    assert len(tables["table-staff"]) == 3 and len(tables["table-buildings"]) == 3


def test_an_empty_company_shows_an_empty_dashboard(manager_client, db):
    response, tables, shown = _page(manager_client, {})
    assert shown["current_due"] == "0.00" and shown["principal"] == "0.00"
    assert "—" in response.content.decode()  # rates with a zero denominator


@pytest.mark.parametrize(
    ("which", "rows"),
    [
        (
            "staff",
            [
                ("员工", "部门", "分到户数", "近7天联系户数", "承诺", "兑现", "结清户数", "负责期间收款"),
                ("员工X", "一部", 2, 0, 2, 1, 1, 400),
                ("员工Y", "二部", 2, 2, 1, 1, 0, 200),
            ],
        ),
        (
            "departments",
            [
                ("部门", "分到户数", "近7天联系户数", "承诺", "兑现", "结清户数", "负责期间收款"),
                ("一部", 2, 0, 2, 1, 1, 400),
                ("二部", 2, 2, 1, 1, 0, 200),
            ],
        ),
    ],
)
def test_league_exports_to_excel_with_chinese_headers(manager_client, ledger, which, rows):
    from io import BytesIO

    from openpyxl import load_workbook

    response = manager_client.get("/dashboard/", {**MARCH, "_export": "xlsx", "league": which})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    assert [tuple(row) for row in sheet.iter_rows(values_only=True)] == rows


def test_league_export_is_403_for_other_roles(client, ledger):
    client.force_login(UserFactory(roles=["staff"]))
    assert client.get("/dashboard/", {"_export": "xlsx"}).status_code == 403


def test_without_an_end_date_the_page_shows_the_latest_snapshot(manager_client, ledger):
    yesterday = timezone.localdate() - timedelta(days=1)
    refresh_snapshots(yesterday.isoformat())
    response, _tables, _shown = _page(manager_client, {})
    html = response.content.decode()
    assert f"截至 {yesterday:%Y-%m-%d} · 数据截至" in html
    # Asked for today explicitly, there is no snapshot of today: computed on the spot.
    response, _tables, _shown = _page(manager_client, {"end": timezone.localdate().isoformat()})
    assert "尚无快照" in response.content.decode()
    # Without any snapshot, today is computed on the spot.
    DashboardSnapshot.objects.all().delete()
    response, _tables, _shown = _page(manager_client, {})
    assert f"截至 {timezone.localdate():%Y-%m-%d} · 尚无快照" in response.content.decode()


def test_hourly_refresh_is_scheduled_and_the_task_registered():
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["dashboard-refresh"]
    assert entry["task"] == "dashboard.refresh_snapshots"
    app.loader.import_default_modules()
    assert "dashboard.refresh_snapshots" in app.tasks
