"""A community may print a payment link as the letter's QR code (filled per letter) and a 送达回证 to cut off."""

import io
from datetime import date
from urllib.parse import quote

import pytest
from django.urls import reverse
from pypdf import PdfReader

from notices.letters import build_letter, payment_link, qr_data_uri, render_letter_html, render_letter_pdf
from notices.models import NoticeLevel
from tests.factories_notices import AS_OF, household_in_arrears, letter_community, qr_modules, qr_modules_of

pytestmark = pytest.mark.django_db


def letter_of(community, **kwargs):
    household = household_in_arrears(community, room="1201")
    return build_letter(
        household, as_of=AS_OF, level=NoticeLevel.DEMAND, deadline=date(2026, 5, 15), number="HY-TZ-2026-00042"
    )


def test_the_payment_link_is_filled_per_letter_and_url_encoded():
    url = payment_link("https://pay.example.cn/hy?no={通知书编号}&room={房号}&amount={合计}", number="HY-TZ-2026-00042",
                       room="3-2-1201", total=__import__("decimal").Decimal("1234.5"))  # fmt: skip
    assert url == "https://pay.example.cn/hy?no=HY-TZ-2026-00042&room=3-2-1201&amount=1234.50"
    assert payment_link("https://p.cn/{房号}", number="n", room="商铺 1", total=0) == "https://p.cn/" + quote("商铺 1")
    assert payment_link("", number="n", room="r", total=0) == ""


def test_the_letter_qr_carries_the_payment_link_and_says_scan_to_pay():
    community = letter_community()
    community.payment_url = "https://pay.example.cn/hy?no={通知书编号}"
    community.save()
    letter = letter_of(community)
    assert letter.qr_pays
    assert letter.qr == qr_data_uri("https://pay.example.cn/hy?no=HY-TZ-2026-00042")
    assert qr_modules(letter.qr) == qr_modules_of("https://pay.example.cn/hy?no=HY-TZ-2026-00042")
    html = render_letter_html(letter)
    assert "扫码缴费<" in html and "扫码缴费 / 联系" not in html


def test_without_a_link_the_qr_stays_the_contact_line():
    letter = letter_of(letter_community())
    assert not letter.qr_pays and "扫码缴费 / 联系" in render_letter_html(letter)


def test_the_receipt_slip_is_printed_only_when_the_community_enables_it():
    community = letter_community()
    assert "送达回证" not in render_letter_html(letter_of(community))
    community.letter_receipt_slip = True
    community.save()
    letter = build_letter(
        community.households.get(), as_of=AS_OF, level=NoticeLevel.DEMAND, deadline=date(2026, 5, 15),
        number="HY-TZ-2026-00042",
    )  # fmt: skip
    pdf = render_letter_pdf(letter)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = text.replace(" ", "")  # the title is letter-spaced
    assert "送达回证" in compact and "沿此线剪下" in compact and "签收人(签字)" in compact
    assert text.count("HY-TZ-2026-00042") >= 2  # on the letter and on the slip
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # a short letter keeps its slip on the same page


def test_managers_set_the_link_and_the_slip_on_the_policy_page(client, user_with_role):
    community = letter_community()
    client.force_login(user_with_role("manager"))
    url = reverse("late_fee_community_edit", args=[community.pk])
    data = {"daily_rate": "0.0005", "grace_days": "0", "cap_ratio": "", "contact_phone": community.contact_phone,
            "payment_channels": community.payment_channels, "payment_qr_text": community.payment_qr_text,
            "payment_url": "https://pay.example.cn/hy?no={通知书编号}", "letter_receipt_slip": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    community.refresh_from_db()
    assert community.payment_url == "https://pay.example.cn/hy?no={通知书编号}" and community.letter_receipt_slip
    bad = client.post(url, {**data, "payment_url": "https://pay.example.cn/{业主}"})
    assert bad.status_code == 400 and "不认识:{业主}" in bad.content.decode()
