"""The text of each SMS level: default wording, the fixed placeholders, validation, filling in, length.

The rules are the letters' (``notices.wording``): plain text with ``{占位符}`` from a fixed list, anything else in
braces refused, filled in by plain replacement of those names only. Each placeholder also has an ASCII name: the
variable of the vendor's approved template (Aliyun ``${room}``; Tencent numbers its variables ``{1} {2} …`` in the
order they appear, so ``params`` keeps that order).
"""

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from notices.wording import fill, placeholder_names, validate_text

from .models import SmsLevel, SmsTemplate

# Placeholder → the vendor template's variable name.
PLACEHOLDERS = {
    "业主": "owner",
    "小区": "community",
    "房号": "room",
    "欠费金额": "principal",
    "违约金": "late_fee",
    "合计": "total",
    "欠费月数": "months",
    "日期": "date",
    "服务电话": "phone",
    "公司名称": "company",
    "链接": "link",
    "承诺日期": "promise_date",
    "承诺金额": "promise_amount",
}
PROMISE_ONLY = ("承诺日期", "承诺金额")
PLACEHOLDER_HELP = {
    "业主": "称呼,如 张三先生/女士(号码可能不是业主本人时慎用)",
    "小区": "小区名称",
    "房号": "房屋,如 3-2-1201",
    "欠费金额": "欠费本金(元)",
    "违约金": "违约金(元,已扣减免)",
    "合计": "本金与违约金合计(元)",
    "欠费月数": "整月数",
    "日期": "计算日期(发送当天)",
    "服务电话": "服务中心电话",
    "公司名称": "物业公司",
    "链接": "本户查账页链接(扫码查账)",
    "承诺日期": "仅承诺提醒:业主承诺的缴费日期",
    "承诺金额": "仅承诺提醒:承诺金额(未承诺金额时为合计)",
}
MAX_LENGTH = 500
SINGLE_SEGMENT = 70  # characters of one SMS, the signature included
LONG_SEGMENT = 67  # characters of each part of a longer one


@dataclass(frozen=True)
class SmsWording:
    """A level's text for one community (a saved row, or the default)."""

    level: str
    text: str
    vendor_code: str
    enabled: bool
    is_default: bool = False


DEFAULTS: dict[str, SmsWording] = {
    SmsLevel.REMINDER: SmsWording(
        level=SmsLevel.REMINDER,
        text=(
            "温馨提示:您好,{小区}{房号}截至{日期}尚有物业费{欠费金额}元未缴,违约金{违约金}元,合计{合计}元。"
            "明细及缴费方式:{链接} 如已缴纳请忽略。咨询{服务电话}。回T退订"
        ),
        vendor_code="",
        enabled=True,
        is_default=True,
    ),
    SmsLevel.DEMAND: SmsWording(
        level=SmsLevel.DEMAND,
        text=(
            "催费提醒:{小区}{房号}物业费已欠缴{欠费月数}个月,截至{日期}欠费{欠费金额}元、违约金{违约金}元,"
            "合计{合计}元,请尽快缴纳。明细:{链接} 如有疑问请致电{服务电话}。回T退订"
        ),
        vendor_code="",
        enabled=True,
        is_default=True,
    ),
    # Off until the community saves it enabled: reminders go out by themselves.
    SmsLevel.PROMISE: SmsWording(
        level=SmsLevel.PROMISE,
        text=(
            "承诺提醒:您好,您承诺于{承诺日期}缴纳{小区}{房号}物业费{承诺金额}元,感谢支持!"
            "明细及缴费方式:{链接} 咨询{服务电话}。回T退订"
        ),
        vendor_code="",
        enabled=False,
        is_default=True,
    ),
}


def wording_for(community, level: str) -> SmsWording:
    """The community's saved text of a level, or the default when it has none."""
    row = SmsTemplate.objects.filter(community=community, level=level).first()
    if row is None:
        return DEFAULTS[level]
    return SmsWording(level=level, text=row.text, vendor_code=row.vendor_code, enabled=row.enabled)


def allowed_for(level: str) -> tuple[str, ...]:
    return tuple(name for name in PLACEHOLDERS if level == SmsLevel.PROMISE or name not in PROMISE_ONLY)


def validate_sms_text(text: str, level: str) -> None:
    """Raise ValidationError for an empty or too long text, an unknown placeholder or an unbalanced brace."""
    if not text.strip():
        raise ValidationError(_("请填写短信内容"), code="required")
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("短信内容不能超过 %(n)d 个字") % {"n": MAX_LENGTH}, code="too_long")
    validate_text(text, allowed=allowed_for(level))


def used_placeholders(text: str) -> list[str]:
    """The placeholders of a text, in order of first appearance (the order of Tencent's ``{1} {2} …``)."""
    names: list[str] = []
    for name in placeholder_names(text):
        if name in PLACEHOLDERS and name not in names:
            names.append(name)
    return names


def render(text: str, values: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The filled-in text and the vendor's template parameters ({ASCII name: value}, in order of appearance)."""
    params = {PLACEHOLDERS[name]: values.get(name, "") for name in used_placeholders(text)}
    return fill(text, values), params


def segments(text: str, sign_name: str = "") -> int:
    """How many SMS the operator bills for ``text`` with its signature 【签名】."""
    length = len(text) + (len(sign_name) + 2 if sign_name else 0)
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / LONG_SEGMENT)
