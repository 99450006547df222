"""The pure rules of the SMS and the owner link: quiet hours, numbers, texts, tokens, retries, stop replies."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from outreach.links import TOKEN_LENGTH, key_from_token, new_key, token_for
from outreach.models import SmsLevel
from outreach.phones import first_mobile, mobiles_of, normalize_mobile
from outreach.quiet_hours import CHINA, in_quiet_hours, next_send_time
from outreach.services.optouts import is_stop_reply
from outreach.services.sending import retry_delay
from outreach.sms_text import DEFAULTS, render, segments, used_placeholders, validate_sms_text


def china(*args) -> datetime:
    return datetime(*args, tzinfo=CHINA)


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (china(2026, 3, 10, 7, 59, 59), True),
        (china(2026, 3, 10, 8, 0), False),
        (china(2026, 3, 10, 20, 59, 59), False),
        (china(2026, 3, 10, 21, 0), True),
        (china(2026, 3, 10, 23, 30), True),
        (china(2026, 3, 11, 0, 0), True),
    ],
)
def test_quiet_hours_are_21_to_8_china_time(moment, quiet):
    assert in_quiet_hours(moment) is quiet


def test_quiet_hours_are_china_time_whatever_the_clock_of_the_moment():
    # 13:30 UTC is 21:30 in Shanghai.
    from datetime import UTC

    assert in_quiet_hours(datetime(2026, 3, 10, 13, 30, tzinfo=UTC))
    assert not in_quiet_hours(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai


def test_next_send_time_waits_for_the_morning():
    assert next_send_time(china(2026, 3, 10, 21, 0)) == china(2026, 3, 11, 8, 0)
    assert next_send_time(china(2026, 3, 10, 23, 59)) == china(2026, 3, 11, 8, 0)
    assert next_send_time(china(2026, 3, 11, 0, 5)) == china(2026, 3, 11, 8, 0)
    assert next_send_time(china(2026, 12, 31, 22, 0)) == china(2027, 1, 1, 8, 0)
    day = china(2026, 3, 10, 10, 15)
    assert next_send_time(day) == day


def test_mobile_numbers_are_normalised_and_landlines_refused():
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"
    assert normalize_mobile("008613800138000") == "13800138000"
    assert normalize_mobile("8613800138000") == "13800138000"
    assert normalize_mobile("0571-88886666") is None
    assert normalize_mobile("1380013800") is None
    assert normalize_mobile("12800138000") is None  # no mobile starts 12
    assert mobiles_of("0571-88886666 / 13800138000", "13800138000、13900139000") == ["13800138000", "13900139000"]
    assert first_mobile("", "139 0013 9000") == "13900139000"
    assert first_mobile("", "") is None


def test_texts_follow_the_letters_placeholder_rules():
    validate_sms_text("您好,{房号}欠费{合计}元", SmsLevel.REMINDER)
    with pytest.raises(ValidationError, match="未知的占位符"):
        validate_sms_text("您好,{姓名}欠费", SmsLevel.REMINDER)
    with pytest.raises(ValidationError, match="花括号不成对"):
        validate_sms_text("您好,{房号欠费", SmsLevel.REMINDER)
    with pytest.raises(ValidationError, match="请填写短信内容"):
        validate_sms_text("  ", SmsLevel.DEMAND)
    with pytest.raises(ValidationError, match="不能超过"):
        validate_sms_text("字" * 501, SmsLevel.DEMAND)
    # The promise's date and amount exist only for the promise reminder.
    validate_sms_text("您承诺于{承诺日期}缴纳{承诺金额}元", SmsLevel.PROMISE)
    with pytest.raises(ValidationError, match="未知的占位符"):
        validate_sms_text("您承诺于{承诺日期}缴纳", SmsLevel.REMINDER)


def test_every_default_text_is_valid_and_threatens_nothing():
    for level, wording in DEFAULTS.items():
        validate_sms_text(wording.text, level)
        assert "停水" not in wording.text and "停电" not in wording.text and "滞纳金" not in wording.text
        assert "退订" in wording.text
    assert DEFAULTS[SmsLevel.PROMISE].enabled is False  # a community switches reminders on itself


def test_render_fills_in_and_keeps_the_vendor_order():
    text, params = render(
        "{房号}欠{合计}元,{房号}请于{日期}前缴纳", {"房号": "3-2-101", "合计": "900.00", "日期": "3月1日"}
    )
    assert text == "3-2-101欠900.00元,3-2-101请于3月1日前缴纳"
    assert list(params.items()) == [("room", "3-2-101"), ("total", "900.00"), ("date", "3月1日")]
    assert used_placeholders("{合计}{房号}{合计}") == ["合计", "房号"]


def test_segments_count_the_signature():
    assert segments("字" * 64, "和园物业") == 1  # 64 + 【和园物业】 6 = 70
    assert segments("字" * 65, "和园物业") == 2  # 71 → two parts of 67
    assert segments("字" * 134) == 2
    assert segments("字" * 135) == 3


def test_a_token_is_short_signed_and_refused_when_touched():
    key = new_key()
    token = token_for(key)
    assert len(token) == TOKEN_LENGTH == 32
    assert key_from_token(token) == key
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert key_from_token(flipped) is None
    other = new_key()
    assert key_from_token(other + token[16:]) is None  # a signature is not transferable
    assert key_from_token(token + "x") is None
    assert key_from_token("../" + token[3:]) is None
    assert key_from_token("") is None


def test_a_token_depends_on_the_secret_key(settings):
    key = new_key()
    token = token_for(key)
    settings.SECRET_KEY = "another-secret"
    assert key_from_token(token) is None


def test_retries_back_off():
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert retry_delay(20) == timedelta(minutes=30)


@pytest.mark.parametrize(("text", "stop"), [("T", True), ("td", True), ("退订", True), ("R。", True), ("好的", False)])
def test_stop_replies(text, stop):
    assert is_stop_reply(text) is stop
