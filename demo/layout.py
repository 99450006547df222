"""The physical estate of the demo: high-rise buildings of two or three units, two flats a floor. Pure."""

import random
from dataclasses import dataclass
from decimal import Decimal

from arrears.models.households import HouseholdKind

ROOMS_PER_FLOOR = 2
STREET_FACING_SHARE = 0.3  # buildings whose ground floor is let as shops (商铺)


@dataclass(frozen=True, slots=True)
class Spot:
    """Where a household is and what it is: building, unit, room, floor area (m²), kind."""

    building: str
    unit: str
    room: str
    floor_area: Decimal
    kind: str


def _area(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def plan_layout(count: int, rng: random.Random) -> tuple[list[str], list[Spot]]:
    """Building names and exactly ``count`` households, building by building, unit by unit, floor by floor.

    Each building has 2–3 units of 18–33 floors; flat 01 and flat 02 of a building have the same floor area
    on every floor (60–180 m²). On street-facing buildings the ground-floor flats are shops (35–160 m²).
    The last building stops where the count is reached.
    """
    buildings: list[str] = []
    spots: list[Spot] = []
    number = 0
    while len(spots) < count:
        number += 1
        name = str(number)
        buildings.append(name)
        units = rng.choice((2, 2, 3))
        floors = rng.randint(18, 33)
        flat_areas = [_area(rng, 60, 180) for _ in range(ROOMS_PER_FLOOR)]
        street_facing = rng.random() < STREET_FACING_SHARE
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for flat in range(1, ROOMS_PER_FLOOR + 1):
                    if len(spots) == count:
                        return buildings, spots
                    room = f"{floor}{flat:02d}"
                    if street_facing and floor == 1:
                        spots.append(Spot(name, str(unit), room, _area(rng, 35, 160), HouseholdKind.SHOP))
                    else:
                        spots.append(Spot(name, str(unit), room, flat_areas[flat - 1], HouseholdKind.RESIDENCE))
    return buildings, spots
