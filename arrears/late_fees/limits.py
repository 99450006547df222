"""How a late-fee (违约金) policy compares with what courts usually uphold.

Courts cut a 违约金 that is excessively high: under art. 65 of the Supreme People's Court's interpretation of the
Civil Code's general contract rules, one more than 30% above the actual loss is generally held excessive, and courts
have recomputed such claims at LPR. A property company's loss from late payment is close to the interest on the
money, so the late-fee pages compare the policy's annualised rate (daily rate × 365) with a threshold
(``settings.LATE_FEE_WARN_ANNUAL_RATE``, 0.24 by default) and warn when the rate is strictly above it.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from arrears.templatetags.arrears_format import percent

DAYS_PER_YEAR = 365


def annual_rate(daily_rate: Decimal) -> Decimal:
    """The annualised rate of a daily 违约金 rate: daily × 365 (a ratio, 0.1825 = 18.25%)."""
    return Decimal(daily_rate) * DAYS_PER_YEAR


def warn_threshold() -> Decimal:
    """The annualised rate above which the pages warn (``LATE_FEE_WARN_ANNUAL_RATE``)."""
    return Decimal(settings.LATE_FEE_WARN_ANNUAL_RATE)


def is_above_threshold(daily_rate: Decimal, threshold: Decimal | None = None) -> bool:
    """Whether the annualised rate is strictly above the threshold (equal to it does not warn)."""
    return annual_rate(daily_rate) > (warn_threshold() if threshold is None else threshold)


def rate_warning(daily_rate: Decimal | None) -> str:
    """The plain-Chinese warning for a daily rate whose annualised rate is above the threshold, else ``""``."""
    if daily_rate is None or not is_above_threshold(daily_rate):
        return ""
    return _(
        "年化违约金率 %(rate)s,高于 %(threshold)s。违约金约定过高的,法院常会应业主请求予以调减:"
        "依《最高人民法院关于适用〈民法典〉合同编通则若干问题的解释》第六十五条,约定的违约金超过造成的损失"
        "30%%的,一般可以认定为过分高于造成的损失;已有法院按贷款市场报价利率(LPR)重新计算。"
        "请考虑降低日违约金率或设置上限比例。"
    ) % {"rate": percent(annual_rate(daily_rate), 2), "threshold": percent(warn_threshold(), 2)}
