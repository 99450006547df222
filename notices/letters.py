"""One demand letter: its amounts (agreeing with ``arrears_report`` to the fen), its text, its HTML and PDF.

``letter_amounts`` is the calculation; ``build_letter`` puts it together with the wording into a plain dataclass;
``render_letter_html`` and ``render_letter_pdf`` turn that into a document. Nothing here writes to the database.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from urllib.parse import quote

import segno
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from arrears.models import Household
from arrears.models.households import OwnerKind
from arrears.money import ZERO
from arrears.positions import charge_positions, positions
from arrears.templatetags.arrears_format import format_money

from .models import NoticeLevel
from .pdf import RenderedDocuments, html_to_pdf, render_documents
from .rmb import rmb_in_words
from .wording import Wording, fill, wording_for

CHINESE_DIGITS = "零一二三四五六七八九十"

# The letter's stylesheet (under static/), parsed once per process and given to WeasyPrint with each letter.
LETTER_STYLESHEET = "css/letter.css"


@dataclass(frozen=True)
class LetterLine:
    """One unpaid period as the letter's table lists it."""

    fee_item: str
    period_start: date
    period_end: date
    due_date: date
    outstanding: Decimal
    late_fee: Decimal


@dataclass(frozen=True)
class LetterAmounts:
    """What a household owes on a date, in the terms of ``arrears_report``.

    ``principal`` and ``late_fee`` are the report's for the same date: the late fee is summed over every charge due
    before the date, so it includes ``paid_late_fee`` (accrued on periods paid late, no longer in the table), less the
    waivers (``waived``).
    """

    lines: list[LetterLine]
    paid_late_fee: Decimal
    gross_late_fee: Decimal
    waived: Decimal
    principal: Decimal
    late_fee: Decimal
    first_unpaid: date | None

    @property
    def total(self) -> Decimal:
        return self.principal + self.late_fee

    @property
    def lines_late_fee(self) -> Decimal:
        return sum((line.late_fee for line in self.lines), start=ZERO)


def letter_amounts(household: Household, as_of: date) -> LetterAmounts:
    """The household's unpaid periods and totals as of ``as_of``: its position (arrears.positions), as the report."""
    return letter_amounts_for(Household.objects.filter(pk=household.pk), as_of).get(household.pk) or _no_amounts()


def _no_amounts() -> LetterAmounts:
    return LetterAmounts(
        lines=[], paid_late_fee=ZERO, gross_late_fee=ZERO, waived=ZERO, principal=ZERO, late_fee=ZERO, first_unpaid=None
    )


def letter_amounts_for(households: QuerySet[Household], as_of: date) -> dict[int, LetterAmounts]:
    """{household id: letter amounts} for every household of the queryset with a charge due before ``as_of``, in a
    fixed number of queries (a batch's chunk of letters asks once, not once per letter)."""
    standings = positions(households, as_of)
    charges: dict[int, list] = defaultdict(list)
    for charge in charge_positions(households, as_of):
        charges[charge.household_id].append(charge)
    found = {}
    for household_id, standing in standings.items():
        own = charges.get(household_id, [])
        lines = [
            LetterLine(
                fee_item=c.fee_item,
                period_start=c.period_start,
                period_end=c.period_end,
                due_date=c.due_date,
                outstanding=c.outstanding,
                late_fee=c.late_fee,
            )
            for c in own
            if c.outstanding > ZERO
        ]
        found[household_id] = LetterAmounts(
            lines=lines,
            paid_late_fee=sum((c.late_fee for c in own if c.outstanding <= ZERO), start=ZERO),
            gross_late_fee=standing.late_fee_gross,
            waived=standing.late_fee_waived,
            principal=standing.principal,
            late_fee=standing.late_fee,
            first_unpaid=min((line.period_start for line in lines), default=None),
        )
    return found


def addressee_name(household: Household) -> str:
    """张三先生/女士 for a person, 某某有限公司 for an organisation (公司 not doubled), 3-2-1201业主 without owner."""
    owner = household.owner
    if owner is None or not owner.name.strip():
        return _("%(room)s业主") % {"room": household.label}
    name = owner.name.strip()
    if owner.kind == OwnerKind.ORGANISATION:
        return name if name.endswith("公司") else name + "公司"
    return name + _("先生/女士")


def chinese_date(day: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def daily_rate_text(rate: Decimal) -> str:
    """0.0005 → 万分之五; 0.003 → 千分之三; otherwise a percentage such as 0.045%."""
    for scale, word in ((Decimal(10000), "万分之"), (Decimal(1000), "千分之")):
        scaled = rate * scale
        if scaled == scaled.to_integral_value() and 1 <= scaled <= 10:
            return word + CHINESE_DIGITS[int(scaled)]
    return f"{(rate * 100).normalize():f}%"


def qr_image(text: str) -> str:
    """The QR code of ``text`` as a PNG data URI of one pixel a module, inside a quiet zone of two.

    The letter scales it to 24 mm without smoothing (``image-rendering: pixelated``), so it prints as sharp as a
    vector; a bitmap this small is also drawn in a fraction of the time WeasyPrint takes to draw an SVG path of
    hundreds of segments, twice a letter.
    """
    return segno.make(text, error="m").png_data_uri(scale=1, border=2)


@lru_cache(maxsize=64)
def qr_data_uri(text: str) -> str:
    """The community's QR code (the same for every letter of a community: cached)."""
    return qr_image(text)


@dataclass(frozen=True)
class Letter:
    """Everything the letter template shows, as plain values."""

    number: str
    level: str
    title: str
    salutation: str
    addressee: str
    room: str
    community_name: str
    company_name: str
    as_of: date
    deadline: date
    amounts: LetterAmounts
    opening: list[str]
    closing: list[str]
    daily_rate: str
    payment_channels: list[str]
    contact_phone: str
    qr: str
    total_words: str
    principal_words: str
    late_fee_words: str
    qr_pays: bool = False  # the QR code is the community's payment link (扫码缴费), not a contact line
    receipt_slip: bool = False  # a 送达回证 to cut off and sign is printed under the letter
    owner_qr: str = ""  # the household's own page (扫码查账), beside the community's QR code

    @property
    def is_lawyer_letter(self) -> bool:
        return self.level == NoticeLevel.LAWYER


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def build_letter(
    household: Household,
    *,
    as_of: date,
    level: str,
    deadline: date,
    number: str,
    wording: Wording | None = None,
    amounts: LetterAmounts | None = None,
    owner_url: str = "",
) -> Letter:
    """The letter to one household; ``wording`` and ``amounts`` may be passed when the caller has them already.
    ``owner_url`` is the link of the household's own page, printed as a second QR code."""
    community = household.community
    wording = wording or wording_for(community, level)
    amounts = amounts or letter_amounts(household, as_of)
    addressee = addressee_name(household)
    rate = daily_rate_text(household.late_fee_policy.daily_rate)
    values = {
        "业主": addressee,
        "房号": household.label,
        "欠费起始日期": chinese_date(amounts.first_unpaid) if amounts.first_unpaid else "—",
        "截止日期": chinese_date(deadline),
        "欠费金额": format_money(amounts.principal),
        "违约金": format_money(amounts.late_fee),
        "合计": format_money(amounts.total),
        "日违约金率": rate,
        "公司名称": community.company_name,
        "日期": chinese_date(as_of),
        "通知书编号": number,
    }
    payment_url = payment_link(community.payment_url, number=number, room=household.label, total=amounts.total)
    qr_text = payment_url or community.payment_qr_text.strip() or community.contact_phone.strip()
    return Letter(
        number=number,
        level=level,
        title=fill(wording.title, values),
        salutation=_("尊敬的%(name)s:") % {"name": addressee},
        addressee=addressee,
        room=household.label,
        community_name=community.name,
        company_name=community.company_name,
        as_of=as_of,
        deadline=deadline,
        amounts=amounts,
        opening=_paragraphs(fill(wording.opening, values)),
        closing=_paragraphs(fill(wording.closing, values)),
        daily_rate=rate,
        payment_channels=_paragraphs(community.payment_channels),
        contact_phone=community.contact_phone,
        qr=qr_data_uri(qr_text) if qr_text else "",
        total_words=rmb_in_words(amounts.total),
        principal_words=rmb_in_words(amounts.principal),
        late_fee_words=rmb_in_words(amounts.late_fee),
        qr_pays=bool(payment_url),
        receipt_slip=community.letter_receipt_slip,
        owner_qr=qr_image(owner_url) if owner_url else "",
    )


def payment_link(template: str, *, number: str, room: str, total) -> str:
    """The community's payment URL with this letter's {通知书编号} {房号} {合计} filled in, URL-encoded."""
    template = (template or "").strip()
    if not template:
        return ""
    values = {"通知书编号": number, "房号": room, "合计": f"{total:.2f}"}
    for name, value in values.items():
        template = template.replace("{" + name + "}", quote(value, safe=""))
    return template


def render_letter_html(letter: Letter) -> str:
    return render_to_string("notices/letter.html", {"letter": letter, "date_text": chinese_date(letter.as_of)})


def render_letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(render_letter_html(letter), stylesheet=LETTER_STYLESHEET)


def render_letters_pdf(letters: list[Letter]) -> RenderedDocuments:
    """Several letters in one PDF (fonts embedded once), each laid out alone, with each letter's page count."""
    return render_documents((render_letter_html(letter) for letter in letters), stylesheet=LETTER_STYLESHEET)
