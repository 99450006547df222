"""The 房屋 sheet: households and their owners, created or updated by (小区编码, 楼栋, 单元, 房号)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from arrears.models import Household, Owner
from arrears.models.households import HouseholdKind, Occupancy, OwnerKind

from .columns import HOUSEHOLD_KIND_LABELS, HOUSEHOLDS, OCCUPANCY_LABELS, OWNER_KIND_LABELS
from .row import RowCells
from .state import ImportState, KnownHousehold

BATCH_SIZE = 1000
_UPDATED_FIELDS = ["floor_area", "kind", "occupancy", "owner"]


class _Batch:
    """Owners and households waiting to be written together."""

    def __init__(self, state: ImportState):
        self.state = state
        self.owners: list[Owner] = []
        self.created: list[tuple[Household, KnownHousehold]] = []
        self.updated: list[tuple[KnownHousehold, int | Owner | None]] = []

    def __len__(self) -> int:
        return len(self.created) + len(self.updated)

    def flush(self) -> None:
        Owner.objects.bulk_create(self.owners)  # sets their ids: the households below need them
        households = []
        for household, known in self.created:
            household.owner_id = _pk(household.owner_id)
            known.owner_id = household.owner_id
            households.append(household)
        Household.objects.bulk_create(households)
        self.state.statistics.wrote(Household, len(households))
        for household, known in self.created:
            known.pk = household.pk
            self.state.new_households.add(household.pk)
        changed = []
        for known, owner in self.updated:
            if owner is not None:
                known.owner_id = _pk(owner)
            changed.append(
                Household(
                    pk=known.pk,
                    floor_area=known.floor_area,
                    kind=known.kind,
                    occupancy=known.occupancy,
                    owner_id=known.owner_id,
                )
            )
        Household.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=500)
        self.owners, self.created, self.updated = [], [], []


def _pk(owner: int | Owner | None) -> int | None:
    return owner.pk if isinstance(owner, Owner) else owner


def import_households(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    counts = state.result.counts[HOUSEHOLDS.name]
    seen: dict[tuple[str, tuple[str, str, str]], int] = {}
    batch = _Batch(state)
    for number, values in rows:
        code, building, unit, room, area, kind, occupancy, *owner_cells = values
        owner_name, owner_kind, phone, phone_alt, address = owner_cells
        cells = RowCells(state.result, HOUSEHOLDS.name, number)
        code = cells.text("小区编码", code, max_length=20, required=True)
        key = (
            cells.text("楼栋", building, max_length=20, required=True),
            cells.text("单元", unit, max_length=20),
            cells.text("房号", room, max_length=20, required=True),
        )
        area = cells.amount("建筑面积", area, max_digits=10)
        kind = cells.choice("房屋类型", kind, HOUSEHOLD_KIND_LABELS, default=HouseholdKind.RESIDENCE)
        occupancy = cells.choice("入住状态", occupancy, OCCUPANCY_LABELS, default=Occupancy.OCCUPIED)
        owner = {
            "name": cells.text("业主姓名", owner_name, max_length=100),
            "kind": cells.choice("业主类型", owner_kind, OWNER_KIND_LABELS, default=OwnerKind.PERSON),
            "phone": cells.text("联系电话", phone, max_length=30),
            "phone_alt": cells.text("备用电话", phone_alt, max_length=30),
            "address": cells.text("通讯地址", address, max_length=300),
        }
        if (code, key) in seen:
            cells.error("房号", _("与第 %(row)d 行是同一房屋") % {"row": seen[(code, key)]})
        seen.setdefault((code, key), number)
        community_id = state.community_id(cells, code) if code else None
        if cells.failed or community_id is None:
            state.failed_households.add((code, key))
            continue
        owner_ref = _owner(state, community_id, owner, batch) if owner["name"] else None
        known = state.households(community_id).get(key)
        if known is None:
            building_id = state.building_id(community_id, key[0])
            known = KnownHousehold(None, building_id, area, kind, occupancy, owner_ref)
            state.households(community_id)[key] = known
            household = Household(
                community_id=community_id,
                building_id=building_id,
                unit=key[1],
                room=key[2],
                floor_area=area,
                kind=kind,
                occupancy=occupancy,
                owner_id=owner_ref,
            )
            batch.created.append((household, known))
            counts.created += 1
        elif _changed(known, area, kind, occupancy, owner_ref):
            known.floor_area, known.kind, known.occupancy = area, kind, occupancy
            batch.updated.append((known, owner_ref))
            counts.updated += 1
        else:
            counts.unchanged += 1
        if len(batch) >= BATCH_SIZE:
            batch.flush()
    batch.flush()


def _owner(state: ImportState, community_id: int, owner: dict, batch: _Batch) -> int | Owner:
    """The community's owner with this name and phone, or a new one (existing owners are left as they are)."""
    owners = state.owners(community_id)
    found = owners.get((owner["name"], owner["phone"]))
    if found is None:
        found = Owner(community_id=community_id, **owner)
        owners[(owner["name"], owner["phone"])] = found
        batch.owners.append(found)
    return found


def _changed(known: KnownHousehold, area, kind: str, occupancy: str, owner: int | Owner | None) -> bool:
    if owner is not None and ((isinstance(owner, Owner) and owner.pk is None) or _pk(owner) != known.owner_id):
        return True
    return (known.floor_area, known.kind, known.occupancy) != (area, kind, occupancy)
