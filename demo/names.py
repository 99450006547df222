"""Realistic Chinese names, company names, phone numbers and addresses for the demo data. Pure."""

import random

# The hundred most common surnames, most frequent first; the weights fall with the rank.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = [max(75 - 2 * i, 4) for i in range(len(SURNAMES))]

_GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文博晨阳轩睿哲铭成"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英婷雪琳丹玲萍红燕慧佳颖倩晶妍琪欣怡悦雯婧瑶璐洁蕾薇岚梅兰"

_PHONE_PREFIXES = tuple(
    str(n) for n in (*range(130, 140), 150, 151, 152, 153, *range(155, 160), 166, 173, 175, 176, 177, 180)
) + tuple(str(n) for n in (181, 182, 183, 185, 186, 187, 188, 189, 198, 199))

_COMPANY_CITIES = ("苏州", "无锡", "常州", "南京", "杭州", "上海", "嘉兴", "昆山")
_WORDS = "鑫达恒源佳禾盛世宏图金穗瑞丰和泰华信永顺天成博雅安康汇通新锐德润福临正元隆兴润泽"
_COMPANY_WORDS = tuple(_WORDS[i : i + 2] for i in range(0, len(_WORDS), 2))  # two characters each
_COMPANY_TRADES = (
    "商贸",
    "餐饮管理",
    "便利店",
    "医药连锁",
    "教育咨询",
    "房产经纪",
    "美容美发",
    "五金建材",
    "烟酒商行",
    "生鲜超市",
    "干洗服务",
    "口腔门诊",
)

_CITIES = (
    ("上海市", ("浦东新区", "闵行区", "徐汇区", "宝山区")),
    ("北京市", ("朝阳区", "海淀区", "丰台区")),
    ("深圳市", ("南山区", "福田区", "龙岗区")),
    ("杭州市", ("西湖区", "滨江区", "余杭区")),
    ("南京市", ("鼓楼区", "江宁区", "建邺区")),
    ("广州市", ("天河区", "番禺区", "海珠区")),
)
_ROADS = ("人民路", "中山路", "解放路", "建设路", "和平路", "长江路", "学府路", "青年路", "文化路", "新华路")


def person_name(rng: random.Random) -> str:
    """A surname and a one- or two-character given name (张伟, 李秀英)."""
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    pool = _GIVEN_MALE if rng.random() < 0.5 else _GIVEN_FEMALE
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(pool) for _ in range(length))


def company_name(rng: random.Random) -> str:
    """A plausible small-business owner of a shop (苏州鑫达商贸有限公司)."""
    return f"{rng.choice(_COMPANY_CITIES)}{rng.choice(_COMPANY_WORDS)}{rng.choice(_COMPANY_TRADES)}有限公司"


def mobile_phone(rng: random.Random) -> str:
    """An eleven-digit mainland mobile number (1xx########)."""
    return f"{rng.choice(_PHONE_PREFIXES)}{rng.randrange(10**8):08d}"


def distant_address(rng: random.Random) -> str:
    """An address in another city, where an absent owner lives or works."""
    city, districts = rng.choice(_CITIES)
    return f"{city}{rng.choice(districts)}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"
