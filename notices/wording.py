"""The wording of each notice level: default texts, the fixed placeholders, validation and substitution.

A community's wording is plain text with ``{占位符}`` placeholders from a fixed list. Filling it in is plain
string replacement of those names only: text from the database is never run as template code, and the result is
escaped by the letter template like any other text.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import NoticeLevel, NoticeWording

PLACEHOLDERS = (
    "业主",
    "房号",
    "欠费起始日期",
    "截止日期",
    "欠费金额",
    "违约金",
    "合计",
    "日违约金率",
    "公司名称",
    "日期",
    "通知书编号",
)
PLACEHOLDER_HELP = {
    "业主": "收件人称呼,如 张三先生/女士、某某有限公司",
    "房号": "房屋,如 3-2-1201",
    "欠费起始日期": "最早一笔未缴费用的起始日期",
    "截止日期": "缴费期限",
    "欠费金额": "欠费本金(元)",
    "违约金": "违约金(元,已扣减免)",
    "合计": "本金与违约金合计(元)",
    "日违约金率": "如 万分之五",
    "公司名称": "落款公司",
    "日期": "通知书日期(即计算截止日)",
    "通知书编号": "如 HY-TZ-2026-00001",
}
_TOKEN = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Wording:
    """The text blocks of one level for one community (a saved row, or the default)."""

    level: str
    title: str
    opening: str
    closing: str
    deadline_days: int
    is_default: bool = False


DEFAULTS: dict[str, Wording] = {
    NoticeLevel.REMINDER: Wording(
        level=NoticeLevel.REMINDER,
        title="温馨提示",
        opening=(
            "您好!感谢您一直以来对物业服务中心工作的理解与支持。\n"
            "经核对,您名下{房号}房屋自{欠费起始日期}起尚有物业服务费未缴纳。截至{日期},欠费金额{欠费金额}元,"
            "按《物业服务合同》约定计收的违约金{违约金}元,合计{合计}元,明细如下:"
        ),
        closing=(
            "请您于{截止日期}前通过下列方式缴纳。如您已经缴纳,请忽略本提示;如对金额有疑问,或房屋有需要我们"
            "解决的问题,欢迎随时与物业服务中心联系,我们将及时核实处理。\n"
            "感谢您的配合,祝您生活愉快!"
        ),
        deadline_days=15,
        is_default=True,
    ),
    NoticeLevel.DEMAND: Wording(
        level=NoticeLevel.DEMAND,
        title="催费通知书",
        opening=(
            "您好!\n"
            "从{欠费起始日期}开始,物业服务中心未收到您名下{房号}房屋的物业费。\n"
            "按时交纳物业费是每位业主的义务,也是物业公司维持日常运营的基本保障。物业费是园区公共秩序维护、"
            "环境卫生、公共区域维修,以及电梯、配电、公共照明等设备设施正常运转的根本保障。\n"
            "如您不能按时足额交纳物业费,将会对园区物业工作造成严重的影响,同时也侵犯了已交费业主的切身利益。"
            "至{日期},您的欠款总额为:{合计}元(其中物业费{欠费金额}元,违约金{违约金}元),明细如下:"
        ),
        closing=(
            "在此,郑重提醒,请您于{截止日期}前缴清欠款。如再拖延,我司将按双方签订的《物业服务合同》相关条款"
            "按日{日违约金率}收取违约金,并将依据《中华人民共和国民法典》《物业管理条例》以及《物业服务合同》等"
            "相关规定,通过诉讼等法律途径追究您的违约责任。\n"
            "届时,您不但要全额支付拖欠的物业费本金及违约金,还要承担相应的诉讼费、保全费等费用,请您慎重考虑"
            "诉讼可能带来的不利法律后果,及时支付拖欠的物业费。如对欠费金额有异议,请与物业服务中心联系核对。\n"
            "谢谢配合!"
        ),
        deadline_days=15,
        is_default=True,
    ),
    NoticeLevel.LAWYER: Wording(
        level=NoticeLevel.LAWYER,
        title="律师函",
        opening=(
            "受{公司名称}(以下简称“委托人”)委托,现就您拖欠物业服务费一事致函如下:\n"
            "根据委托人提供的《物业服务合同》及收费记录,您名下{房号}房屋自{欠费起始日期}起未按约定缴纳物业服务费。"
            "截至{日期},欠缴物业服务费{欠费金额}元,按合同约定计算的违约金{违约金}元,合计{合计}元,明细如下:"
        ),
        closing=(
            "《中华人民共和国民法典》第九百四十四条规定,业主应当按照约定向物业服务人支付物业费;业主违反约定逾期"
            "不支付物业费的,物业服务人可以催告其在合理期限内支付;合理期限届满仍不支付的,物业服务人可以提起诉讼"
            "或者申请仲裁。\n"
            "现特函告:请您于{截止日期}前缴清上述欠款。逾期仍未缴纳的,委托人将依法提起诉讼,届时您除应支付欠缴的"
            "物业服务费及违约金外,还将承担诉讼费等相关费用。如您对欠费金额有异议,请在上述期限内与物业服务中心"
            "联系核对。\n"
            "特此函告。"
        ),
        deadline_days=7,
        is_default=True,
    ),
}


def wording_for(community, level: str) -> Wording:
    """The community's saved wording of a level, or the default when it has none."""
    row = NoticeWording.objects.filter(community=community, level=level).first()
    if row is None:
        return DEFAULTS[level]
    return Wording(
        level=level, title=row.title, opening=row.opening, closing=row.closing, deadline_days=row.deadline_days
    )


def allowed_list(allowed=PLACEHOLDERS) -> str:
    return "、".join(f"{{{name}}}" for name in allowed)


def placeholder_names(text: str) -> list[str]:
    """Every ``{名称}`` of the text, in order, repeats included."""
    return _TOKEN.findall(text)


def validate_text(text: str, allowed=PLACEHOLDERS) -> None:
    """Raise ValidationError when the text has a placeholder not in ``allowed`` (the letters' by default, the
    SMS texts pass theirs) or an unbalanced brace."""
    unknown = sorted({name for name in _TOKEN.findall(text) if name not in allowed})
    stray = _TOKEN.sub("", text)
    if "{" in stray or "}" in stray:
        raise ValidationError(
            _("花括号不成对:占位符必须写成 {名称} 的形式。可用的占位符:%(allowed)s")
            % {"allowed": allowed_list(allowed)},
            code="unbalanced",
        )
    if unknown:
        raise ValidationError(
            _("未知的占位符:%(unknown)s。可用的占位符:%(allowed)s")
            % {"unknown": "、".join(f"{{{name}}}" for name in unknown), "allowed": allowed_list(allowed)},
            code="unknown_placeholder",
        )


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each ``{名称}`` of the fixed list with its value; nothing else in the text is interpreted."""
    return _TOKEN.sub(lambda match: values.get(match.group(1), match.group(0)), text)
