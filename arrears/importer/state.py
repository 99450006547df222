"""What a running import knows: ids by natural key, loaded per community, extended as rows are written."""

from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Building, Community, FeeItem, Household, Owner
from arrears.models.households import household_label

from .bulk import Statistics
from .result import ImportResult
from .row import RowCells


def chunks(items: Iterable, size: int) -> Iterator[tuple]:
    """``items`` in tuples of at most ``size`` (itertools.batched, which needs Python 3.12)."""
    iterator = iter(items)
    while chunk := tuple(islice(iterator, size)):
        yield chunk


# (楼栋, 单元, 房号) within a community.
HouseholdKey = tuple[str, str, str]


class KnownHousehold:
    """A household's id and the fields the 房屋 sheet may change; ``pk`` is None until it is written."""

    __slots__ = ("building_id", "floor_area", "kind", "occupancy", "owner_id", "pk")

    def __init__(self, pk, building_id: int, floor_area: Decimal, kind: str, occupancy: str, owner_id):
        self.pk = pk
        self.building_id = building_id
        self.floor_area = floor_area
        self.kind = kind
        self.occupancy = occupancy
        self.owner_id = owner_id


class ImportState:
    """Lookups shared by the sheets, so that no row costs a query of its own."""

    def __init__(self, *, result: ImportResult, user=None):
        self.result = result
        self.user = user
        self.statistics = Statistics()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.communities: dict[str, int] = dict(Community.objects.values_list("code", "id"))
        self.failed_communities: set[str] = set()  # bad rows of 小区: rows naming them are skipped, not reported
        self.failed_households: set[tuple[str, HouseholdKey]] = set()  # likewise for bad rows of 房屋
        self.fee_items: dict[str, int] = dict(FeeItem.objects.values_list("name", "id"))
        self.new_households: set[int] = set()  # created by this import, so no charge of theirs predates it
        self.charged: set[int] = set()  # households this import gave charges to
        self.touched: set[int] = set()  # households given charges or payments: their credit is applied at the end
        self._households: dict[int, dict[HouseholdKey, KnownHousehold]] = {}
        self._buildings: dict[int, dict[str, int]] = {}
        self._owners: dict[int, dict[tuple[str, str], int | Owner]] = {}

    def households(self, community_id: int) -> dict[HouseholdKey, KnownHousehold]:
        if community_id not in self._households:
            rows = Household.objects.filter(community_id=community_id).values_list(
                "id",
                "building__name",
                "unit",
                "room",
                "building_id",
                "floor_area",
                "kind",
                "occupancy",
                "owner_id",
            )
            self._households[community_id] = {
                (building, unit, room): KnownHousehold(pk, building_id, area, kind, occupancy, owner_id)
                for pk, building, unit, room, building_id, area, kind, occupancy, owner_id in rows
            }
        return self._households[community_id]

    def buildings(self, community_id: int) -> dict[str, int]:
        if community_id not in self._buildings:
            rows = Building.objects.filter(community_id=community_id).values_list("name", "id")
            self._buildings[community_id] = dict(rows)
        return self._buildings[community_id]

    def building_id(self, community_id: int, name: str) -> int:
        known = self.buildings(community_id)
        if name not in known:
            known[name] = Building.objects.create(community_id=community_id, name=name).pk
        return known[name]

    def owners(self, community_id: int) -> dict[tuple[str, str], int | Owner]:
        """Owners by (name, phone): an id, or an Owner this import has yet to write."""
        if community_id not in self._owners:
            rows = Owner.objects.filter(community_id=community_id).order_by("-id").values_list("name", "phone", "id")
            self._owners[community_id] = {(name, phone): pk for name, phone, pk in rows}  # the oldest wins
        return self._owners[community_id]

    def fee_item_id(self, name: str) -> int:
        if name not in self.fee_items:
            self.fee_items[name] = FeeItem.objects.create(name=name).pk
        return self.fee_items[name]

    def community_id(self, cells: RowCells, code: str) -> int | None:
        """The id of a community in the database or in this workbook's 小区 sheet; reports it when unknown."""
        community_id = self.communities.get(code)
        if community_id is None and code and code not in self.failed_communities:
            cells.error("小区编码", _("小区编码「%(code)s」不存在(数据库和「小区」表中都没有)") % {"code": code})
        return community_id

    def household_id(self, cells: RowCells, code: str, key: HouseholdKey) -> tuple[int, int] | None:
        """(community id, household id) of a household in the database or this workbook's 房屋 sheet."""
        community_id = self.community_id(cells, code)
        if community_id is None:
            return None
        known = self.households(community_id).get(key)
        if known is None:
            if (code, key) not in self.failed_households:
                label = household_label(*key)
                cells.error("房号", _("房屋「%(label)s」不存在(数据库和「房屋」表中都没有)") % {"label": label})
            return None
        return community_id, known.pk
