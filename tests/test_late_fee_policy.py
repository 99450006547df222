"""The late-fee (违约金) policy pages: annualised rate and warning, the setting, access, edits, overrides, audit."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arrears.late_fees.limits import annual_rate, is_above_threshold, rate_warning
from arrears.models import LateFeeOverride
from arrears.reports import arrears_report
from tests.factories import BuildingFactory, ChargeFactory, CommunityFactory, HouseholdFactory

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 31)
OTHER_ROLES = ["supervisor", "staff", "finance", "service", "legal"]


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda value=None, timezone=None: TODAY if value is None else real(value)
    )


@pytest.fixture
def manager(client, user_with_role):
    user = user_with_role("manager", username="boss")
    client.force_login(user)
    return user


def household_at(community, building="3", unit="2", room="1201"):
    return HouseholdFactory(
        community=community, building=BuildingFactory(community=community, name=building), unit=unit, room=room
    )


def community_form(community, **changes):
    data = {
        "daily_rate": str(community.late_fee_daily_rate),
        "grace_days": str(community.late_fee_grace_days),
        "cap_ratio": "" if community.late_fee_cap_ratio is None else str(community.late_fee_cap_ratio),
        "contact_phone": community.contact_phone,
        "payment_channels": community.payment_channels,
        "payment_qr_text": community.payment_qr_text,
    }
    data.update(changes)
    return data


# The annualised rate and the warning -------------------------------------------------------------------


def test_annual_rate_is_daily_times_365():
    assert annual_rate(Decimal("0.0005")) == Decimal("0.1825")
    assert annual_rate(Decimal("0.001")) == Decimal("0.365")


@pytest.mark.parametrize(
    ("daily", "warns"),
    [("0.000499", False), ("0.0005", False), ("0.000501", True)],
    ids=["below", "equal", "above"],
)
def test_warning_only_strictly_above_the_threshold(settings, daily, warns):
    settings.LATE_FEE_WARN_ANNUAL_RATE = Decimal("0.1825")  # exactly 0.0005 × 365
    assert is_above_threshold(Decimal(daily)) is warns
    assert bool(rate_warning(Decimal(daily))) is warns


def test_default_threshold_is_24_percent(settings):
    assert Decimal("0.24") == settings.LATE_FEE_WARN_ANNUAL_RATE
    assert not rate_warning(Decimal("0.0005"))  # 18.25%
    assert rate_warning(Decimal("0.0007"))  # 25.55%


def test_warning_names_the_rule_and_calls_it_weiyuejin():
    text = rate_warning(Decimal("0.001"))
    assert "36.5%" in text and "24%" in text
    assert "第六十五条" in text and "30%" in text and "合同编通则" in text
    assert "违约金" in text and "滞纳金" not in text


def load_threshold(value: str | None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "LATE_FEE"))}
    env["DJANGO_DEBUG"] = "1"
    if value is not None:
        env["LATE_FEE_WARN_ANNUAL_RATE"] = value
    code = "import config.settings as s; print(s.LATE_FEE_WARN_ANNUAL_RATE)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("value", "expected"), [(None, "0.24"), ("0.3", "0.3"), (" 0.15 ", "0.15")])
def test_threshold_read_from_the_environment(value, expected):
    result = load_threshold(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("value", ["abc", "0", "-0.1", "4", "NaN", "24%"])
def test_bad_threshold_stops_start_up(value):
    result = load_threshold(value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "LATE_FEE_WARN_ANNUAL_RATE" in result.stderr


# Access ------------------------------------------------------------------------------------------------


def policy_urls(community, override):
    return [
        reverse("late_fee_policy"),
        reverse("late_fee_community_edit", args=[community.pk]),
        reverse("late_fee_override_list"),
        reverse("late_fee_override_create"),
        reverse("late_fee_override_edit", args=[override.pk]),
        reverse("late_fee_override_delete", args=[override.pk]),
        reverse("waiver_list"),
    ]


@pytest.fixture
def override(db):
    community = CommunityFactory()
    return LateFeeOverride.objects.create(
        household=household_at(community), daily_rate=Decimal("0.0003"), grace_days=0, reason="老年户"
    )


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403(client, user_with_role, override, role):
    client.force_login(user_with_role(role))
    for url in policy_urls(override.household.community, override):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("late_fee_override_delete", args=[override.pk]))
    assert response.status_code == 403
    assert LateFeeOverride.objects.filter(pk=override.pk).exists()


def test_anonymous_goes_to_login(client, override):
    response = client.get(reverse("late_fee_policy"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manager_opens_every_page(client, manager, override):
    for url in policy_urls(override.household.community, override):
        assert client.get(url).status_code == 200, url


def test_nav_shows_the_policy_link_to_managers_only(client, user_with_role, manager):
    assert "违约金政策" in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role("finance"))
    assert "违约金政策" not in client.get(reverse("home")).content.decode()


# The community's policy --------------------------------------------------------------------------------


def test_policy_page_shows_annual_rate_and_warns_above_threshold(client, manager, settings):
    CommunityFactory(name="低率小区", late_fee_daily_rate=Decimal("0.0005"))
    content = client.get(reverse("late_fee_policy")).content.decode()
    assert "18.25%" in content and "第六十五条" not in content
    CommunityFactory(name="高率小区", late_fee_daily_rate=Decimal("0.001"))
    content = client.get(reverse("late_fee_policy")).content.decode()
    assert "36.5%" in content and "第六十五条" in content and "滞纳金" not in content
    settings.LATE_FEE_WARN_ANNUAL_RATE = Decimal("0.5")
    assert "第六十五条" not in client.get(reverse("late_fee_policy")).content.decode()


def test_edit_community_saves_and_records_who_and_what(client, manager):
    community = CommunityFactory()
    url = reverse("late_fee_community_edit", args=[community.pk])
    data = community_form(
        community, daily_rate="0.0007", grace_days="15", cap_ratio="0.3", contact_phone="0571-88886666"
    )
    response = client.post(url, data)
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.late_fee_daily_rate == Decimal("0.0007")
    assert community.late_fee_grace_days == 15
    assert community.late_fee_cap_ratio == Decimal("0.3")
    assert community.contact_phone == "0571-88886666"
    entry = LogEntry.objects.get()
    assert entry.user == manager and entry.action_flag == CHANGE and entry.object_id == str(community.pk)
    assert "日违约金率:0.0005 → 0.0007" in entry.change_message
    assert "宽限天数:0 → 15" in entry.change_message
    page = client.get(reverse("late_fee_policy")).content.decode()
    assert "25.55%" in page and "第六十五条" in page  # 0.0007 × 365 is above 24%
    assert "0.0005 → 0.0007" in page  # the change is listed


def test_saving_without_changes_writes_no_log(client, manager):
    community = CommunityFactory()
    client.post(reverse("late_fee_community_edit", args=[community.pk]), community_form(community))
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("daily_rate", "0.02", "0.01"),
        ("daily_rate", "-0.0001", "0"),
        ("daily_rate", "abc", ""),
        ("grace_days", "-1", "0"),
        ("cap_ratio", "-0.5", "0"),
    ],
)
def test_invalid_community_input_is_refused_and_nothing_written(client, manager, field, value, message):
    community = CommunityFactory()
    response = client.post(
        reverse("late_fee_community_edit", args=[community.pk]),
        community_form(community, **{field: value, "contact_phone": "123"}),
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert message in " ".join(response.context["form"].errors[field])
    community.refresh_from_db()
    assert community.late_fee_daily_rate == Decimal("0.0005") and community.contact_phone == ""
    assert not LogEntry.objects.exists()


def test_edit_form_warns_for_the_current_rate(client, manager):
    community = CommunityFactory(late_fee_daily_rate=Decimal("0.001"))
    content = client.get(reverse("late_fee_community_edit", args=[community.pk])).content.decode()
    assert "36.5%" in content and "第六十五条" in content


# Household overrides -----------------------------------------------------------------------------------


def override_data(**changes):
    data = {"daily_rate": "0.0003", "grace_days": "10", "cap_ratio": "", "reason": "长期外出,协商减按万分之三"}
    data.update(changes)
    return data


def test_create_override_by_label(client, manager):
    community = CommunityFactory()
    household = household_at(community)
    response = client.post(
        reverse("late_fee_override_create"),
        override_data(community=community.pk, household_label="3-2-1201"),
    )
    assert response.status_code == 302
    override = LateFeeOverride.objects.get(household=household)
    assert (override.daily_rate, override.grace_days, override.cap_ratio) == (Decimal("0.0003"), 10, None)
    entry = LogEntry.objects.get()
    assert entry.action_flag == ADDITION and entry.user == manager and "0.0003" in entry.change_message


def test_create_override_for_a_household_without_unit(client, manager):
    community = CommunityFactory()
    household = household_at(community, building="5", unit="", room="102")
    client.post(reverse("late_fee_override_create"), override_data(community=community.pk, household_label="5-102"))
    assert LateFeeOverride.objects.filter(household=household).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"household_label": "9-9-909"}, "household_label", "找不到房屋"),
        ({"household_label": "1201"}, "household_label", "找不到房屋"),
        ({"reason": "  "}, "reason", "原因"),
        ({"daily_rate": "0.5"}, "daily_rate", ""),
        ({"grace_days": "-3"}, "grace_days", ""),
    ],
)
def test_invalid_override_is_refused_and_nothing_written(client, manager, changes, field, message):
    community = CommunityFactory()
    household_at(community)
    data = override_data(community=community.pk, household_label="3-2-1201")
    data.update(changes)
    response = client.post(reverse("late_fee_override_create"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not LateFeeOverride.objects.exists() and not LogEntry.objects.exists()


def test_household_of_another_community_is_not_found(client, manager):
    community, other = CommunityFactory(), CommunityFactory()
    household_at(other)
    response = client.post(
        reverse("late_fee_override_create"), override_data(community=community.pk, household_label="3-2-1201")
    )
    assert response.status_code == 400 and "找不到房屋" in response.content.decode()


def test_second_override_for_a_household_is_refused(client, manager, override):
    community = override.household.community
    response = client.post(
        reverse("late_fee_override_create"), override_data(community=community.pk, household_label="3-2-1201")
    )
    assert response.status_code == 400 and "已有特别约定" in response.content.decode()
    override.refresh_from_db()
    assert override.daily_rate == Decimal("0.0003") and override.reason == "老年户"


def test_edit_override_changes_the_late_fee_and_logs(client, manager, override):
    household = override.household
    ChargeFactory(household=household, amount=Decimal("300.00"), due_date=date(2026, 1, 31))
    community = household.community
    assert arrears_report(community, TODAY)["totals"]["late_fee"] == "5.31"  # 59 days × 300 × 0.0003
    response = client.post(
        reverse("late_fee_override_edit", args=[override.pk]), override_data(daily_rate="0.001", grace_days="0")
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.daily_rate == Decimal("0.001") and override.grace_days == 0
    assert arrears_report(community, TODAY)["totals"]["late_fee"] == "17.70"
    entry = LogEntry.objects.get()
    assert entry.action_flag == CHANGE and "0.0003 → 0.001" in entry.change_message
    assert "原因" in entry.change_message  # the reason changed too
    # the warning follows the save and shows on the list
    page = client.get(reverse("late_fee_override_list")).content.decode()
    assert "第六十五条" in page and "偏高" in page


def test_override_form_warns_above_threshold(client, manager, override):
    url = reverse("late_fee_override_edit", args=[override.pk])
    assert "第六十五条" not in client.get(url).content.decode()
    override.daily_rate = Decimal("0.002")
    override.save()
    content = client.get(url).content.decode()
    assert "73%" in content and "第六十五条" in content and "滞纳金" not in content


def test_delete_override_confirms_then_removes_and_logs(client, manager, override):
    url = reverse("late_fee_override_delete", args=[override.pk])
    assert "删除" in client.get(url).content.decode()
    assert LateFeeOverride.objects.filter(pk=override.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not LateFeeOverride.objects.exists()
    entry = LogEntry.objects.get()
    assert entry.action_flag == DELETION and entry.user == manager and "老年户" in entry.change_message


def test_override_list_filters_and_paginates_in_fixed_queries(client, manager):
    community, other = CommunityFactory(), CommunityFactory()

    def add(count, where):
        for index in range(count):
            LateFeeOverride.objects.create(
                household=household_at(where, building="8", room=f"{where.pk}{index:03d}"),
                daily_rate=Decimal("0.0003"),
                grace_days=0,
                reason="协商",
            )

    add(2, community)
    url = reverse("late_fee_override_list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(60, other)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.context["table"].paginator.count == 62
    assert len(response.context["table"].page.object_list) == 50
    filtered = client.get(url, {"community": community.pk})
    assert filtered.context["table"].paginator.count == 2
