"""The public arrears list (欠费公示) of one building: rooms, months overdue and principal owed, as a printable PDF.

Privacy (PIPL, DOMAIN.md): the list shows room numbers and amounts only, never an owner's name, phone or segment.
Households on the legal track (已转法务) are left out: their claim is with the lawyer or the court, where the amount
claimed (with 违约金 and costs) is the one that counts, and posting a party to pending proceedings on a notice board
invites a dispute over reputation that helps nobody; the daily split leaves them out for the same reason.
The amount is the overdue principal (欠费本金) as of the list's date, the same figure as ``arrears_report``; the
违约金 is not shown, since it is contractual, may be waived, and belongs in the letter to the owner, not on the wall.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.template.loader import render_to_string

from arrears.models import Building, Community, Household
from arrears.money import ZERO
from arrears.positions import in_arrears
from arrears.positions import owing as owing_of
from core.sorting import natural_key

from .pdf import html_to_pdf, in_document_language

BUILDING_WORDS = ("栋", "幢", "座", "楼")


def building_title(name: str) -> str:
    """``3`` → ``3栋``; a name that already says 栋/幢/座/楼 is kept as it is."""
    return name if name.endswith(BUILDING_WORDS) else f"{name}栋"


@dataclass(frozen=True)
class PublicityRow:
    """One room on the list."""

    room: str
    months_overdue: int
    principal: Decimal


@dataclass(frozen=True)
class Publicity:
    """The public arrears list of one building on a date."""

    community_name: str
    company_name: str
    contact_phone: str
    building_name: str
    as_of: date
    rows: list[PublicityRow]

    @property
    def building_title(self) -> str:
        return building_title(self.building_name)

    @property
    def total(self) -> Decimal:
        return sum((row.principal for row in self.rows), ZERO)


def _listed(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.filter(on_legal_track=False)


def publicity_for(building: Building, as_of: date, households: QuerySet[Household] | None = None) -> Publicity:
    """The rooms of ``building`` with overdue principal on ``as_of``, by room (楼栋-单元-房号 natural order).

    ``households`` is the caller's scope (``households_visible_to``); the legal track is left out either way.
    """
    community = building.community
    scope = _listed(households if households is not None else Household.objects.all())
    rows = [
        PublicityRow(room=item.label, months_overdue=item.months_overdue, principal=item.principal)
        for item in in_arrears(scope.filter(building=building), as_of)
    ]
    return Publicity(
        community_name=community.name,
        company_name=community.company_name,
        contact_phone=community.contact_phone,
        building_name=building.name,
        as_of=as_of,
        rows=rows,
    )


@dataclass(frozen=True)
class BuildingArrears:
    """A building on the picker page: how many of its rooms the list would show, and their principal."""

    building: Building
    households: int
    principal: Decimal

    @property
    def title(self) -> str:
        return building_title(self.building.name)


def buildings_in_arrears(community: Community, as_of: date, households: QuerySet[Household]) -> list[BuildingArrears]:
    """The buildings of ``community`` with at least one listed room on ``as_of``, in building order."""
    owing = owing_of(_listed(households).filter(community=community), as_of)
    by_building: dict[int, list[Decimal]] = {}
    for pk, building_id in _listed(households).filter(community=community).order_by().values_list("pk", "building_id"):
        if pk in owing:
            by_building.setdefault(building_id, []).append(owing[pk])
    buildings = Building.objects.filter(pk__in=by_building).select_related("community")
    result = [
        BuildingArrears(building=b, households=len(by_building[b.pk]), principal=sum(by_building[b.pk], ZERO))
        for b in buildings
    ]
    result.sort(key=lambda item: natural_key(item.building.name))
    return result


def publicity_html(publicity: Publicity) -> str:
    return render_to_string("notices/publicity_pdf.html", {"publicity": publicity})


@in_document_language
def publicity_pdf(publicity: Publicity) -> bytes:
    """The list as an A4 PDF in Noto Sans CJK; the title and the column heads repeat on every page."""
    return html_to_pdf(publicity_html(publicity))
