"""Dates people type: one parser with a window, a message in Chinese, never a 500 or a traceback."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.dates import DateInputError, date_param, parse_date
from tests.factories import CommunityFactory


def test_a_date_in_the_window_parses():
    assert parse_date(" 2026-01-31 ") == date(2026, 1, 31)
    assert parse_date("2000-01-01") == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026/01/31", "日期格式应为 YYYY-MM-DD"),
        ("2026-02-30", "日期格式应为 YYYY-MM-DD"),
        ("", "日期格式应为 YYYY-MM-DD"),
        ("0001-01-01", "日期不能早于 2000-01-01"),
        ("1999-12-31", "日期不能早于 2000-01-01"),
        ("2999-12-31", "日期不能晚于"),
        ("9999-12-31", "日期不能晚于"),
    ],
)
def test_a_bad_date_is_refused_in_chinese(text, message):
    with pytest.raises(DateInputError, match=message):
        parse_date(text)


def test_the_window_is_a_year_ahead_and_the_configured_floor(settings):
    today = timezone.localdate()
    assert parse_date((today + timedelta(days=366)).isoformat())
    with pytest.raises(DateInputError):
        parse_date((today + timedelta(days=367)).isoformat())
    settings.LEDGER_EARLIEST_DATE = date(2015, 1, 1)
    with pytest.raises(DateInputError, match="2015-01-01"):
        parse_date("2014-12-31")
    with pytest.raises(DateInputError, match="不能晚于 2026-01-31"):
        parse_date("2026-02-01", latest=date(2026, 1, 31))


def test_a_page_falls_back_to_today_and_says_why(rf):
    today = timezone.localdate()
    assert date_param(rf.get("/", {"as_of": "2026-03-31"})) == (date(2026, 3, 31), "")
    assert date_param(rf.get("/")) == (today, "")
    value, message = date_param(rf.get("/", {"as_of": "0001-01-01"}))
    assert value == today and "日期不能早于 2000-01-01" in message and f"已按 {today} 计算" in message


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2026-13-01"])
def test_pages_with_an_absurd_as_of_answer_with_a_message(client, user_with_role, as_of):
    client.force_login(user_with_role("legal"))
    response = client.get(reverse("limitation_risk"), {"as_of": as_of})
    assert response.status_code == 200
    assert "已按" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_commands_refuse_an_absurd_date_in_chinese(as_of):
    CommunityFactory()
    with pytest.raises(CommandError, match="--as-of:日期不能"):
        call_command("arrears_report", "--as-of", as_of, "--json")
