"""Reading org units: finding an area by name and matching a table's unit names within it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from mubiao.domain.names import closest, squash, stem
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


def units_named(name: str) -> list[OrgUnit]:
    """Every unit a name could mean — by full name, short name or alias (spaces and widths ignored) —
    for a door that must not pick one of two 柳南 silently."""
    wanted = squash(name)
    if not wanted:
        return []
    found = {
        *OrgUnit.objects.filter(Q(name__in=[name, wanted]) | Q(short_name__in=[name, wanted])),
        *(alias.unit for alias in OrgUnitAlias.objects.select_related("unit").filter(alias__in=[name, wanted])),
    }
    return sorted(found, key=lambda unit: unit.pk)


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
    by_stem: dict[str, OrgUnit | None] = field(default_factory=dict)  # None: two units share the stem

    def match(self, name: str) -> OrgUnit | None:
        """By name, short name or alias; else by the short form without its ending (鹿寨 = 鹿寨县)."""
        wanted = squash(name)
        return self.by_name.get(wanted) or self.by_stem.get(wanted) or self.by_stem.get(stem(wanted))

    def suggestions(self, name: str) -> list[str]:
        """Short names of the units most like a name that matched none."""
        return closest(name, [unit.short_name for unit in self.units()])

    def units(self) -> list[OrgUnit]:
        return list({unit.pk: unit for unit in self.by_name.values()}.values())

    def add(self, unit: OrgUnit, aliases: Sequence[str] = ()) -> None:
        for key in _names_of(unit, aliases):
            self.by_name.setdefault(key, unit)
            short = stem(key)
            if short != key:
                known = self.by_stem.get(short, unit)
                self.by_stem[short] = unit if known is not None and known.pk == unit.pk else None


def known_unit_names() -> set[str]:
    """Every name, short name, alias and short form of every unit: what a place in a table looks like."""
    names: set[str] = set()
    for name, short_name in OrgUnit.objects.values_list("name", "short_name"):
        names |= {squash(name), squash(short_name), stem(squash(name)), stem(squash(short_name))}
    names |= {squash(alias) for alias in OrgUnitAlias.objects.values_list("alias", flat=True)}
    return {name for name in names if name}


def unit_resolver(area: OrgUnit) -> UnitResolver:
    resolver = UnitResolver(area=area)
    units = descendants(area)
    aliases: dict[int, list[str]] = {}
    for alias in OrgUnitAlias.objects.filter(unit__in=units):
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    for unit in units:
        resolver.add(unit, aliases.get(unit.pk, []))
    return resolver
