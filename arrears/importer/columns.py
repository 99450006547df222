"""The workbook's contract: sheet names, their exact headers and the Chinese labels of choices."""

from dataclasses import dataclass

from arrears.models.households import HouseholdKind, Occupancy, OwnerKind
from arrears.models.ledger import PaymentChannel


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[str, ...]


# Household columns shared by 应收 and 实收: they name the household the row belongs to.
HOUSEHOLD_KEY = ("小区编码", "楼栋", "单元", "房号")

COMMUNITIES = SheetSpec(
    "小区", ("小区编码", "小区名称", "公司名称", "日违约金率", "宽限天数", "违约金上限比例", "年度收费率目标")
)
HOUSEHOLDS = SheetSpec(
    "房屋",
    (
        *HOUSEHOLD_KEY,
        "建筑面积",
        "房屋类型",
        "入住状态",
        "业主姓名",
        "业主类型",
        "联系电话",
        "备用电话",
        "通讯地址",
    ),
)
CHARGES = SheetSpec("应收", (*HOUSEHOLD_KEY, "费用项目", "所属期起", "所属期止", "应收金额", "应缴日期"))
PAYMENTS = SheetSpec("实收", (*HOUSEHOLD_KEY, "收款日期", "金额", "收款方式", "收据号", "备注"))

# The order sheets are processed in: each may refer to what the ones before it created.
SHEETS = (COMMUNITIES, HOUSEHOLDS, CHARGES, PAYMENTS)

# The workbook speaks the labels finance reads; the database keeps the TextChoices values.
# Spelled out (not read from the lazy labels) so the import does not depend on the active language.
HOUSEHOLD_KIND_LABELS = {
    "住宅": HouseholdKind.RESIDENCE,
    "商铺": HouseholdKind.SHOP,
    "车位": HouseholdKind.PARKING,
}
OCCUPANCY_LABELS = {
    "已入住": Occupancy.OCCUPIED,
    "空置": Occupancy.VACANT,
    "长期外出": Occupancy.ABSENT,
}
OWNER_KIND_LABELS = {
    "个人": OwnerKind.PERSON,
    "单位": OwnerKind.ORGANISATION,
}
CHANNEL_LABELS = {
    "现金": PaymentChannel.CASH,
    "微信": PaymentChannel.WECHAT,
    "支付宝": PaymentChannel.ALIPAY,
    "银行转账": PaymentChannel.BANK,
    "POS": PaymentChannel.POS,
    "代扣": PaymentChannel.DIRECT_DEBIT,
}
