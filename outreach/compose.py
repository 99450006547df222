"""The values an SMS fills in for one household, from the same arrears figures as the letter and the report."""

from datetime import date
from decimal import Decimal

from arrears.models import Household
from arrears.months import months_overdue
from arrears.positions import Position
from arrears.templatetags.arrears_format import format_money
from notices.letters import addressee_name


def short_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def sms_values(
    household: Household,
    row: Position,
    day: date,
    *,
    link: str = "",
    promised_date: date | None = None,
    promised_amount: Decimal | None = None,
) -> dict[str, str]:
    """{placeholder: text} for ``outreach.sms_text.render``; ``row`` is the household's position on ``day``
    (``arrears.positions``: the figures of the letters and ``arrears_report``)."""
    community = household.community
    values = {
        "业主": addressee_name(household),
        "小区": community.name,
        "房号": household.label,
        "欠费金额": format_money(row.principal),
        "违约金": format_money(row.late_fee),
        "合计": format_money(row.total),
        "欠费月数": str(months_overdue(row.oldest_due, day)),
        "日期": short_date(day),
        "服务电话": community.contact_phone or "",
        "公司名称": community.company_name,
        "链接": link,
    }
    if promised_date is not None:
        values["承诺日期"] = short_date(promised_date)
        values["承诺金额"] = format_money(promised_amount if promised_amount is not None else row.total)
    return values
