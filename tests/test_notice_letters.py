"""The demand letter: amounts agreeing with arrears_report, addressee forms, 大写, wording placeholders, the PDF."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from arrears.reports import arrears_report
from notices.letters import addressee_name, build_letter, daily_rate_text, letter_amounts, render_letter_pdf
from notices.models import NoticeLevel, NoticeWording
from notices.pdf_merge import merge_pdfs
from notices.rmb import rmb_in_words
from notices.services import wording_save
from notices.wording import DEFAULTS, fill, validate_text, wording_for
from tests.factories import HouseholdFactory, UserFactory
from tests.factories_notices import AS_OF, household_in_arrears, letter_community, waive


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def report_row(community, label: str) -> dict:
    rows = {row["household"]: row for row in arrears_report(community, AS_OF)["households"]}
    return rows[label]


# 大写 ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("100.00", "壹佰元整"),
        ("1001.05", "壹仟零壹元零伍分"),
        ("10.10", "壹拾元壹角整"),
        ("0.05", "伍分"),
        ("0.00", "零元整"),
        ("10005.00", "壹万零伍元整"),
        ("100100.00", "壹拾万零壹佰元整"),
        ("105000.00", "壹拾万伍仟元整"),
        ("1000010.01", "壹佰万零壹拾元零壹分"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("100000000.00", "壹亿元整"),
        ("100001000.00", "壹亿零壹仟元整"),
        ("2.005", "贰元零壹分"),
    ],
)
def test_amount_in_capitals(amount, words):
    assert rmb_in_words(Decimal(amount)) == words


def test_daily_rate_is_written_as_a_fraction():
    assert daily_rate_text(Decimal("0.000500")) == "万分之五"
    assert daily_rate_text(Decimal("0.003")) == "千分之三"
    assert daily_rate_text(Decimal("0.00045")) == "0.045%"


# Wording -------------------------------------------------------------------------------------------------------


def test_unknown_placeholder_is_refused_with_the_allowed_list():
    with pytest.raises(ValidationError) as exc:
        validate_text("截至{日期},您欠{欠款}元")
    message = exc.value.messages[0]
    assert "{欠款}" in message and "{合计}" in message and "{通知书编号}" in message


@pytest.mark.parametrize("text", ["欠费{合计元", "欠费合计}元", "{{合计}}", "{}"])
def test_unbalanced_or_empty_braces_are_refused(text):
    with pytest.raises(ValidationError):
        validate_text(text)


def test_fill_replaces_only_the_fixed_names():
    text = "{业主}:{合计}元 {{ request.user }} {% load x %}"
    filled = fill(text, {"业主": "{合计}", "合计": "10.00"})
    # A value is never substituted again, and anything else stays literal text.
    assert filled == "{合计}:10.00元 {{ request.user }} {% load x %}"


def test_defaults_are_lawful():
    for wording in DEFAULTS.values():
        text = wording.title + wording.opening + wording.closing
        validate_text(text)
        assert "滞纳金" not in text
        assert "停水" not in text and "停电" not in text


@pytest.mark.django_db
def test_saving_wording_creates_the_row_and_checks_placeholders():
    community = letter_community()
    assert wording_for(community, NoticeLevel.DEMAND) == DEFAULTS[NoticeLevel.DEMAND]
    with pytest.raises(ValidationError) as exc:
        wording_save(
            community=community,
            level=NoticeLevel.DEMAND,
            title="催费通知书",
            opening="请缴纳{欠费总额}",
            closing="",
            deadline_days=10,
        )
    assert "opening" in exc.value.error_dict
    assert not NoticeWording.objects.exists()
    wording_save(
        community=community,
        level=NoticeLevel.DEMAND,
        title="缴费通知",
        opening="请于{截止日期}前缴纳{合计}元",
        closing="谢谢",
        deadline_days=10,
    )
    saved = wording_for(community, NoticeLevel.DEMAND)
    assert (saved.title, saved.deadline_days, saved.is_default) == ("缴费通知", 10, False)


# Addressee and amounts -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("王小明", "person", "王小明先生/女士"),
        ("杭州某某科技有限公司", "organisation", "杭州某某科技有限公司"),
        ("某某商贸", "organisation", "某某商贸公司"),
    ],
)
def test_addressee_forms(name, kind, expected):
    household = HouseholdFactory(owner__name=name, owner__kind=kind)
    assert addressee_name(household) == expected


@pytest.mark.django_db
def test_household_without_owner_is_addressed_by_room():
    household = HouseholdFactory(owner=None, unit="2", room="1201", building__name="3")
    assert addressee_name(household) == "3-2-1201业主"


@pytest.mark.django_db
def test_amounts_agree_with_arrears_report_including_late_paid_periods_and_waivers():
    community = letter_community()
    manager = UserFactory(roles=["manager"])
    plain = household_in_arrears(community, room="101", paid_late=False)
    late = household_in_arrears(community, room="102")
    waived = household_in_arrears(community, room="103", months=2)
    waive(waived, Decimal("5.00"), manager)
    for household in (plain, late, waived):
        amounts = letter_amounts(household, AS_OF)
        row = report_row(community, household.label)
        assert f"{amounts.principal:.2f}" == row["principal"]
        assert f"{amounts.late_fee:.2f}" == row["late_fee"]
        assert f"{amounts.total:.2f}" == row["total"]
        # The table and its extra lines add up to the totals the letter states.
        assert amounts.lines_late_fee + amounts.paid_late_fee - amounts.waived == amounts.late_fee
    late_amounts = letter_amounts(late, AS_OF)
    assert late_amounts.paid_late_fee > 0  # December, paid 20 days late
    assert len(late_amounts.lines) == 3
    assert late_amounts.first_unpaid == date(2026, 1, 1)
    assert letter_amounts(waived, AS_OF).waived == Decimal("5.00")


# The PDF (few renders: each costs time) ------------------------------------------------------------------------


@pytest.mark.django_db
def test_pdf_states_number_room_report_amounts_waiver_capitals_and_embeds_the_cjk_font():
    community = letter_community()
    household = household_in_arrears(
        community, room="1201", owner__name="杭州某某科技有限公司", owner__kind="organisation"
    )
    waive(household, Decimal("2.00"), UserFactory(roles=["manager"]))
    letter = build_letter(
        household, as_of=AS_OF, level=NoticeLevel.DEMAND, deadline=date(2026, 5, 15), number="HY-TZ-2026-00042"
    )
    pdf = render_letter_pdf(letter)
    text = pdf_text(pdf).replace(",", "")
    row = report_row(community, "3-2-1201")
    assert "HY-TZ-2026-00042" in text
    assert "3-2-1201" in text
    for key in ("principal", "late_fee", "total"):
        assert row[key] in text
    assert "减免违约金" in text and "2.00" in text
    assert "已缴期间逾期缴纳产生的违约金" in text
    assert rmb_in_words(Decimal(row["total"])) in text
    assert "尊敬的杭州某某科技有限公司:" in text
    assert "滞纳金" not in text

    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = []
    for font in fonts.values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            embedded.append(str(font["/BaseFont"]).replace("-", ""))
    assert any("NotoSansCJKSC" in name for name in embedded), embedded
    assert len(reader.pages) == 1
    assert "第 1 / 1 页" in text  # the letter's stylesheet (its @page footer) reached WeasyPrint
    # The QR code, one pixel a module, is drawn without smoothing: sharp edges on paper.
    images = [image.get_object() for image in reader.pages[0]["/Resources"]["/XObject"].values()]
    assert images and all(image["/Subtype"] == "/Image" and image["/Interpolate"].value is False for image in images)


@pytest.mark.django_db
def test_24_periods_fit_one_page_and_more_continue_with_the_header_and_totals_together():
    community = letter_community()
    short = household_in_arrears(community, room="201", months=24, paid_late=False, start=(2024, 1))
    long = household_in_arrears(community, room="202", months=55, paid_late=False, start=(2021, 6))
    as_of = date(2026, 1, 1)
    short_pdf = render_letter_pdf(
        build_letter(
            short, as_of=as_of, level=NoticeLevel.DEMAND, deadline=date(2026, 1, 15), number="HY-TZ-2026-00001"
        )
    )
    long_pdf = render_letter_pdf(
        build_letter(long, as_of=as_of, level=NoticeLevel.LAWYER, deadline=date(2026, 1, 8), number="HY-TZ-2026-00002")
    )
    assert len(PdfReader(io.BytesIO(short_pdf)).pages) == 1
    two = PdfReader(io.BytesIO(long_pdf))
    assert len(two.pages) == 2
    second = two.pages[1].extract_text()
    assert "收费项目" in second  # the table header repeats
    assert "物业费" in second and "合计大写" in second  # totals follow at least one period row
    assert "律师事务所" in second
    assert "HY-TZ-2026-00002" in second  # the number runs in the footer of every page

    # The streaming merge keeps every page, in order, with its fonts and size.
    merged = io.BytesIO()
    assert merge_pdfs([io.BytesIO(short_pdf), io.BytesIO(long_pdf)], merged) == 3
    pages = PdfReader(io.BytesIO(merged.getvalue())).pages
    assert len(pages) == 3
    assert "HY-TZ-2026-00001" in pages[0].extract_text() and "律师事务所" in pages[2].extract_text()
    assert [round(float(page.mediabox.width)) for page in pages] == [595, 595, 595]  # A4


# System check ------------------------------------------------------------------------------------------------


def test_system_check_warns_in_chinese_with_the_package_to_install(monkeypatch):
    from notices import checks

    assert checks.letter_rendering_check() == [] or not (checks.has_harfbuzz_subset() and checks.has_cjk_font())
    monkeypatch.setattr(checks.ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    warnings = checks.letter_rendering_check()
    assert [w.id for w in warnings] == ["notices.W001", "notices.W002"]
    assert "libharfbuzz-subset0" in warnings[0].hint and "数秒" in warnings[0].msg
    assert "fonts-noto-cjk" in warnings[1].hint and "中文字体" in warnings[1].msg
