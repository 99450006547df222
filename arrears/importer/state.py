"""What a running import knows: the database's communities, households, owners and charges, each loaded once, and
the rows the sheets will add, held in memory until every row has been checked."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from arrears.models import Building, Community, DayClose, FeeItem, Household, Owner
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


@dataclass
class Progress:
    """How far an import has come, for a progress bar: rows of all sheets read, checked and written."""

    phase: str = "reading"  # reading → checking → writing → done
    rows_total: int = 0  # the rows of the sheets opened so far (a sheet's size is known once it is open)
    rows_read: int = 0
    rows_checked: int = 0
    rows_written: int = 0
    rows_to_write: int = 0


ProgressCallback = Callable[[Progress], None]


class KnownCommunity:
    """A community of the database or of the 小区 sheet; ``pk`` is None until it is written."""

    __slots__ = ("code", "pk", "values")

    def __init__(self, code: str, pk: int | None, values: dict | None = None):
        self.code = code
        self.pk = pk
        self.values = values  # the policy the sheet gives a new community


class NewOwner:
    """An owner the 房屋 sheet adds; ``pk`` is set when it is written."""

    __slots__ = ("community", "fields", "pk")

    def __init__(self, community: KnownCommunity, fields: dict):
        self.community = community
        self.fields = fields
        self.pk = None


class KnownHousehold:
    """A household's id and the fields the 房屋 sheet may change; ``pk`` is None until it is written."""

    __slots__ = ("building", "community", "floor_area", "kind", "key", "occupancy", "owner", "pk")

    def __init__(self, pk, community, key, building, floor_area: Decimal, kind: str, occupancy: str, owner):
        self.pk = pk
        self.community = community  # KnownCommunity
        self.key = key
        self.building = building  # an id, or the name of a building this import adds
        self.floor_area = floor_area
        self.kind = kind
        self.occupancy = occupancy
        self.owner = owner  # an id, a NewOwner or None

    @property
    def owner_id(self) -> int | None:
        return self.owner.pk if isinstance(self.owner, NewOwner) else self.owner


class ImportState:
    """Lookups shared by the sheets, so that no row costs a query of its own, and what the sheets will write."""

    def __init__(self, *, result: ImportResult, user=None, progress: ProgressCallback | None = None):
        self.result = result
        self.user = user
        self.statistics = Statistics()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.progress = Progress()
        self._report = progress
        self.communities: dict[str, KnownCommunity] = {
            code: KnownCommunity(code, pk) for code, pk in Community.objects.values_list("code", "id")
        }
        self.failed_communities: set[str] = set()  # bad rows of 小区: rows naming them are skipped, not reported
        self.failed_households: set[tuple[str, HouseholdKey]] = set()  # likewise for bad rows of 房屋
        self.fee_items: dict[str, int | None] = dict(FeeItem.objects.values_list("name", "id"))
        self.new_communities: list[KnownCommunity] = []
        self.changed_communities: list[tuple[Community, dict]] = []
        self.new_owners: list[NewOwner] = []
        self.new_households: list[KnownHousehold] = []
        self.added_households: set[KnownHousehold] = set()  # the same, for membership
        self.changed_households: list[KnownHousehold] = []
        self.new_charges: list[tuple] = []  # (KnownHousehold, fee item name, start, end, amount, due)
        self.new_payments: list[tuple] = []  # (KnownHousehold, paid_on, amount, channel, receipt, note)
        # (position in new_payments, position in new_charges, amount, date): see credit.plan_new_households.
        self.new_allocations: list[tuple] = []
        self.households_with_credit: set[int] = set()  # the households in the database the import adds to
        self.staff_rows: list[tuple[int, tuple]] = []
        # The households 应收 and 实收 rows name, by the row's four cells (小区编码 … 房号) when all four are text and
        # were good: the rows of one household (two dozen charges) are parsed and looked up once.
        self.households_by_cells: dict[tuple[str, str, str, str], KnownHousehold] = {}
        self._households: dict[str, dict[HouseholdKey, KnownHousehold]] = {}
        self._buildings: dict[str, dict[str, int | None]] = {}
        self._owners: dict[str, dict[tuple[str, str], int | NewOwner]] = {}
        self._closed_days: dict[str, set[date]] = {}

    # Progress ------------------------------------------------------------------------------------------------

    def report(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self.progress, name, value)
        if self._report is not None:
            self._report(self.progress)

    def counted(self, rows: Iterable, field: str, *, every: int = 5000) -> Iterator:
        """``rows`` passed through, adding one to ``progress.<field>`` for each and reporting every ``every``."""
        start = getattr(self.progress, field)
        index = 0
        for index, row in enumerate(rows, 1):
            yield row
            if index % every == 0:
                self.report(**{field: start + index})
        self.report(**{field: start + index})

    def touched_communities(self) -> set[str]:
        """Codes of the communities this import adds to or changes."""
        codes = {c.code for c in self.new_communities} | {c.code for c, _values in self.changed_communities}
        codes |= {h.community.code for h in self.new_households} | {h.community.code for h in self.changed_households}
        codes |= {row[0].community.code for row in self.new_charges}
        codes |= {row[0].community.code for row in self.new_payments}
        return codes

    # Lookups, each loaded once -------------------------------------------------------------------------------

    def households(self, community: KnownCommunity) -> dict[HouseholdKey, KnownHousehold]:
        code = community.code
        if code not in self._households:
            found = {}
            if community.pk is not None:
                rows = Household.objects.filter(community_id=community.pk).values_list(
                    "id", "building__name", "unit", "room", "building_id", "floor_area", "kind", "occupancy", "owner_id"
                )
                for pk, building, unit, room, building_id, area, kind, occupancy, owner_id in rows.iterator(10_000):
                    key = (building, unit, room)
                    found[key] = KnownHousehold(pk, community, key, building_id, area, kind, occupancy, owner_id)
            self._households[code] = found
        return self._households[code]

    def building(self, community: KnownCommunity, name: str) -> int | str:
        """The id of the community's building, or its name when this import adds it."""
        if community.code not in self._buildings:
            rows = Building.objects.filter(community_id=community.pk).values_list("name", "id") if community.pk else ()
            self._buildings[community.code] = dict(rows)
        known = self._buildings[community.code]
        return known.get(name, name)

    def owners(self, community: KnownCommunity) -> dict[tuple[str, str], int | NewOwner]:
        """Owners by (name, phone): an id, or a NewOwner this import adds."""
        if community.code not in self._owners:
            found = {}
            if community.pk is not None:
                rows = (
                    Owner.objects.filter(community_id=community.pk).order_by("-id").values_list("name", "phone", "id")
                )
                found = {(name, phone): pk for name, phone, pk in rows}  # the oldest wins
            self._owners[community.code] = found
        return self._owners[community.code]

    def closed_days(self, community: KnownCommunity) -> set[date]:
        if community.code not in self._closed_days:
            days = DayClose.objects.filter(community_id=community.pk).values_list("day", flat=True)
            self._closed_days[community.code] = set(days) if community.pk else set()
        return self._closed_days[community.code]

    def fee_item(self, name: str) -> str:
        self.fee_items.setdefault(name, None)
        return name

    def community(self, cells: RowCells, code: str) -> KnownCommunity | None:
        """A community in the database or in this workbook's 小区 sheet; reports it when unknown."""
        community = self.communities.get(code)
        if community is None and code and code not in self.failed_communities:
            cells.error("小区编码", _("小区编码「%(code)s」不存在(数据库和「小区」表中都没有)") % {"code": code})
        return community

    def household_of_cells(self, cells: tuple) -> KnownHousehold | None:
        """The household of a row's four raw cells seen good before (see households_by_cells), or None.

        Only text is remembered, so cells of other types (1, 1.0 and True are equal keys) are never found."""
        return self.households_by_cells.get(cells)

    def remember_household(self, cells: tuple, household: KnownHousehold) -> None:
        if all(cell.__class__ is str for cell in cells):
            self.households_by_cells[cells] = household

    def household_cells(self, cells: RowCells, named: tuple) -> tuple[KnownHousehold | None, str, HouseholdKey, bool]:
        """A row's household from its four cells (小区编码, 楼栋, 单元, 房号): (household, code, key, named well).

        The household seen before with the very same cells, or else None with the cells checked (their errors
        reported now, before the row's other columns): :meth:`household_found` then finds it once those are checked.
        """
        household = self.household_of_cells(named)
        if household is not None:
            return household, household.community.code, (), True
        code, building, unit, room = named
        code = cells.text("小区编码", code, max_length=20, required=True)
        key = (
            cells.text("楼栋", building, max_length=20, required=True),
            cells.text("单元", unit, max_length=20),
            cells.text("房号", room, max_length=20, required=True),
        )
        return None, code, key, not cells.failed

    def household_found(
        self, cells: RowCells, named: tuple, code: str, key: HouseholdKey, named_well: bool
    ) -> KnownHousehold | None:
        """The household of cells :meth:`household_cells` checked, remembered for the next row with the same cells
        when they were all good."""
        household = self.household(cells, code, key) if code and key[0] and key[2] else None
        if household is not None and named_well:
            self.remember_household(named, household)
        return household

    def household(self, cells: RowCells, code: str, key: HouseholdKey) -> KnownHousehold | None:
        """A household in the database or this workbook's 房屋 sheet."""
        community = self.community(cells, code)
        if community is None:
            return None
        known = self.households(community).get(key)
        if known is None:
            if (code, key) not in self.failed_households:
                label = household_label(*key)
                cells.error("房号", _("房屋「%(label)s」不存在(数据库和「房屋」表中都没有)") % {"label": label})
            return None
        return known
