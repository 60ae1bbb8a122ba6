"""Reading org units: finding an area by name and matching a table's unit names within it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mubiao.domain.names import closest, squash
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias


def _names_of(unit: OrgUnit, aliases: Sequence[str]) -> set[str]:
    return {squash(unit.name), squash(unit.short_name), *(squash(alias) for alias in aliases)}


def area_find(name: str) -> OrgUnit | None:
    """The unit whose full name, short name or alias is `name` (spaces and widths ignored)."""
    wanted = squash(name)
    if not wanted:
        return None
    for unit in OrgUnit.objects.filter(name__in=[name, wanted]).order_by("id"):
        return unit
    for unit in OrgUnit.objects.filter(short_name__in=[name, wanted]).order_by("id"):
        return unit
    alias = OrgUnitAlias.objects.select_related("unit").filter(alias__in=[name, wanted]).first()
    if alias:
        return alias.unit
    for unit in OrgUnit.objects.all():
        if squash(unit.name) == wanted:
            return unit
    return None


def descendants(area: OrgUnit) -> list[OrgUnit]:
    """Every unit below the area, breadth first (the tree is a few levels deep)."""
    found: list[OrgUnit] = []
    frontier = [area.pk]
    while frontier:
        children = list(OrgUnit.objects.filter(parent_id__in=frontier).order_by("position", "id"))
        found.extend(children)
        frontier = [child.pk for child in children]
    return found


@dataclass
class UnitResolver:
    """Matches the names a table uses to the units under one area."""

    area: OrgUnit
    by_name: dict[str, OrgUnit] = field(default_factory=dict)

    def match(self, name: str) -> OrgUnit | None:
        return self.by_name.get(squash(name))

    def suggestions(self, name: str) -> list[str]:
        """Short names of the units most like a name that matched none."""
        return closest(name, [unit.short_name for unit in self.units()])

    def units(self) -> list[OrgUnit]:
        return list({unit.pk: unit for unit in self.by_name.values()}.values())

    def add(self, unit: OrgUnit, aliases: Sequence[str] = ()) -> None:
        for key in _names_of(unit, aliases):
            self.by_name.setdefault(key, unit)


def unit_resolver(area: OrgUnit) -> UnitResolver:
    resolver = UnitResolver(area=area)
    units = descendants(area)
    aliases: dict[int, list[str]] = {}
    for alias in OrgUnitAlias.objects.filter(unit__in=units):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    for unit in units:
        resolver.add(unit, aliases.get(unit.pk, []))
    return resolver
