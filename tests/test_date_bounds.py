"""Every page, API and command that takes a date reads it through core.dates: a date outside the window gets a
Chinese message (a form error, a 400, a command error with a non-zero exit), never a computation or a 500."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice, NoticeBatch
from tests.factories import UserFactory
from tests.factories_finance import community_with_households

pytestmark = pytest.mark.django_db
ABSURD = ["0001-01-01", "9999-12-31", "2999-01-01"]


@pytest.fixture
def everyone(client):
    client.force_login(UserFactory(roles=["manager", "finance", "service", "legal"]))
    return client


@pytest.mark.parametrize("day", ABSURD)
@pytest.mark.parametrize("name", ["start", "end"])
def test_the_dashboard_says_why_a_date_was_refused(everyone, day, name):
    community_with_households()
    response = everyone.get(reverse("dashboard"), {name: day})
    assert response.status_code == 200
    assert "日期不能" in response.content.decode()


@pytest.mark.parametrize("day", ABSURD)
@pytest.mark.parametrize("part", ["summary", "series", "league"])
def test_the_dashboard_api_answers_400_in_chinese(everyone, day, part):
    community_with_households()
    response = everyone.get(reverse("dashboard_api", args=[part]), {"end": day, "start": day})
    assert response.status_code == 400
    assert "日期不能" in response.content.decode("utf-8")


@pytest.mark.parametrize("day", ABSURD)
def test_a_batch_for_an_absurd_date_is_refused_and_nothing_made(everyone, day):
    community, _households = community_with_households()
    response = everyone.post(reverse("notice_batch_new"), {"community": community.pk, "level": "demand", "as_of": day})
    assert response.status_code == 400
    assert "计算截止日不能" in response.content.decode()
    assert not NoticeBatch.objects.exists() and not Notice.objects.exists()


def test_a_batch_is_not_dated_after_today(everyone):
    community, _households = community_with_households()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = everyone.post(
        reverse("notice_batch_new"), {"community": community.pk, "level": "demand", "as_of": tomorrow}
    )
    assert response.status_code == 400 and not NoticeBatch.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "2999-01-01"])
def test_a_future_day_of_the_daily_close_is_not_found(everyone, day):
    community, _households = community_with_households()
    assert everyone.get(reverse("finance:day", args=[community.code, day])).status_code == 404


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("arrears_report", "--as-of"),
        ("refresh_dashboard", "--date"),
        ("split_arrears", "--date"),
        ("render_notices", "--deadline"),
        ("render_notices", "--as-of"),
    ],
)
def test_commands_refuse_an_absurd_date_in_chinese(tmp_path, command, option, day):
    community_with_households()
    args = [option, day]
    if command == "render_notices":
        today = timezone.localdate().isoformat()
        args = [
            "--level",
            "demand",
            "--out",
            str(tmp_path),
            *(["--as-of", today] if option != "--as-of" else []),
            *args,
        ]
    with pytest.raises(CommandError, match=f"{option}:日期不能"):
        call_command(command, *args)


def test_letters_are_not_dated_after_today_from_the_command_either(tmp_path):
    community_with_households()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="--as-of:日期不能晚于"):
        call_command("render_notices", "--as-of", tomorrow, "--level", "demand", "--out", str(tmp_path))
    assert not NoticeBatch.objects.exists()


def test_a_command_exits_non_zero_with_the_message_and_no_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "arrears_report", "--as-of", "9999-12-31"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings_test", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode != 0
    assert "日期不能晚于" in result.stderr and "Traceback" not in result.stderr
