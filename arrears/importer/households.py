"""The 房屋 sheet: households and their owners, created or updated by (小区编码, 楼栋, 单元, 房号)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from arrears.bulk import insert_rows_with_ids, update_rows
from arrears.models import Building, Household, Owner
from arrears.models.households import HouseholdKind, Occupancy, OwnerKind

from .columns import HOUSEHOLD_KIND_LABELS, HOUSEHOLDS, OCCUPANCY_LABELS, OWNER_KIND_LABELS
from .row import RowCells
from .state import ImportState, KnownCommunity, KnownHousehold, NewOwner

_OWNER_FIELDS = ("community_id", "name", "kind", "phone", "phone_alt", "address")
_HOUSEHOLD_FIELDS = (
    "community_id",
    "building_id",
    "unit",
    "room",
    "floor_area",
    "kind",
    "occupancy",
    "owner_id",
    "on_legal_track",
)


def check_households(state: ImportState, rows: Iterable[tuple[int, tuple]]) -> None:
    """Check the rows and note the households and owners to add or change; nothing is written yet."""
    counts = state.result.counts[HOUSEHOLDS.name]
    seen: dict[tuple[str, tuple[str, str, str]], int] = {}
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
        area = cells.amount("建筑面积", area, max_digits=10, maximum=None)
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
        community = state.community(cells, code) if code else None
        if cells.failed or community is None:
            state.failed_households.add((code, key))
            continue
        owner_ref = _owner(state, community, owner) if owner["name"] else None
        households = state.households(community)
        known = households.get(key)
        if known is None:
            building = state.building(community, key[0])
            known = KnownHousehold(None, community, key, building, area, kind, occupancy, owner_ref)
            households[key] = known
            state.new_households.append(known)
            state.added_households.add(known)
            counts.created += 1
        elif _changed(known, area, kind, occupancy, owner_ref):
            known.floor_area, known.kind, known.occupancy = area, kind, occupancy
            if owner_ref is not None:
                known.owner = owner_ref
            state.changed_households.append(known)
            counts.updated += 1
        else:
            counts.unchanged += 1


def _owner(state: ImportState, community: KnownCommunity, owner: dict) -> int | NewOwner:
    """The community's owner with this name and phone, or a new one (existing owners are left as they are)."""
    owners = state.owners(community)
    found = owners.get((owner["name"], owner["phone"]))
    if found is None:
        found = owners[(owner["name"], owner["phone"])] = NewOwner(community, owner)
        state.new_owners.append(found)
    return found


def _changed(known: KnownHousehold, area, kind: str, occupancy: str, owner: int | NewOwner | None) -> bool:
    if owner is not None and (isinstance(owner, NewOwner) or owner != known.owner):
        return True
    return (known.floor_area, known.kind, known.occupancy) != (area, kind, occupancy)


def write_households(state: ImportState) -> None:
    """Buildings, owners and households the sheet adds (ids first, then one COPY each), then the changed ones."""
    names = sorted({(h.community.pk, h.building) for h in state.new_households if isinstance(h.building, str)})
    buildings = Building.objects.bulk_create([Building(community_id=pk, name=name) for pk, name in names])
    building_ids = {(b.community_id, b.name): b.pk for b in buildings}
    for household in state.new_households:
        if isinstance(household.building, str):
            household.building = building_ids[(household.community.pk, household.building)]
    owner_rows = [
        (owner.community.pk, *(owner.fields[field] for field in _OWNER_FIELDS[1:])) for owner in state.new_owners
    ]
    for owner, pk in zip(state.new_owners, insert_rows_with_ids(Owner, _OWNER_FIELDS, owner_rows), strict=True):
        owner.pk = pk
    state.statistics.wrote(Owner, len(owner_rows))
    rows = [
        (h.community.pk, h.building, h.key[1], h.key[2], h.floor_area, h.kind, h.occupancy, h.owner_id, False)
        for h in state.new_households
    ]
    ids = insert_rows_with_ids(Household, _HOUSEHOLD_FIELDS, list(state.counted(rows, "rows_written")))
    for household, pk in zip(state.new_households, ids, strict=True):
        household.pk = pk
    state.statistics.wrote(Household, len(ids))
    update_rows(
        Household,
        ("floor_area", "kind", "occupancy", "owner"),
        ((h.pk, h.floor_area, h.kind, h.occupancy, h.owner_id) for h in state.changed_households),
    )
